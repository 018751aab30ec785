// Serves the mock build (`vite build --mode mock`) on localhost and drives
// Debian's chromium with playwright-core: no browser download, no network.
import assert from "node:assert/strict";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../dist-mock/", import.meta.url));
const axeSource = readFileSync(
  fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url)),
  "utf8",
);
const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export async function startServer() {
  if (!existsSync(join(root, "index.html"))) {
    throw new Error("ui/dist-mock is missing: run `npx vite build --mode mock` first");
  }
  const server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname),
    ).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || path === "/")
      file = join(root, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Runs axe-core on the page; returns the violations (empty is good). */
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
  return result;
}

export function describeViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(", ")}`)
    .join("\n");
}

/** Fails with axe's findings if the page has any violations. */
export async function assertAccessible(page, where) {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `${where}:\n${describeViolations(violations)}`);
}

export const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

/** Whether all of `locator`'s box is inside the window (not scrolled out of it). */
export const inViewport = (locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return (
      r.width > 0 &&
      r.top >= 0 &&
      r.left >= 0 &&
      r.bottom <= window.innerHeight &&
      r.right <= window.innerWidth
    );
  });

/** How far the page scrolls sideways, in pixels (0 or less: not at all). */
export const sidewaysScroll = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Serves the mock app and starts chromium before the calling file's tests,
 * and stops both after them. Returns `openPage(query, options)`: a fresh
 * page (its own context, British locale and time unless `locale` and
 * `timezoneId` say otherwise, and today's date unless `now` fixes it) at the
 * app with `query`, whose uncaught errors collect in `page.errors`.
 */
export function useMockApp() {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return async function openPage(
    query,
    {
      colorScheme = "light",
      viewport = { width: 1200, height: 900 },
      locale = "en-GB",
      timezoneId = "Europe/London",
      now = null,
      clock = null,
    } = {},
  ) {
    const context = await browser.newContext({ viewport, colorScheme, locale, timezoneId });
    // Only the date is fixed: timers keep running.
    if (now) await context.clock.setFixedTime(now);
    const page = await context.newPage();
    // A pretend clock the test moves on with page.clock.fastForward.
    if (clock) await page.clock.install({ time: clock });
    page.errors = [];
    page.on("pageerror", (e) => page.errors.push(e.message));
    await page.goto(`${server.url}${query}`);
    return page;
  };
}

/** Whether `locator` holds the focus. */
export const isFocused = (locator) => locator.evaluate((el) => el === document.activeElement);

/** Tabs forward until `locator` has focus. */
export async function tabTo(page, locator) {
  for (let i = 0; i < 120; i++) {
    if (await isFocused(locator)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${locator}`);
}

/** Replaces what the focused text box holds with `text`, from the keyboard. */
export async function retype(page, text) {
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

/** Opens `screen` from the menu with the keyboard. */
export async function goTo(page, screen) {
  const tab = page
    .getByRole("navigation", { name: "Screens" })
    .getByRole("button", { name: screen, exact: true });
  await tab.focus();
  await page.keyboard.press("Enter");
}
