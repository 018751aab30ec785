// Updates in the real app, against an update server on 127.0.0.1 that
// this test runs (the app is pointed at it with QUIETLINE_UPDATE_ENDPOINT,
// which it honours for plain HTTP to the loopback address only). The
// server's latest.json offers version 99.0.0 with notes; its package is
// signed, with a key this test generates (`tauri signer sign`), or forged.
// The app's public key is the helpline's, which the test does not have, so
// both signatures must be refused: the app sees the newer version and its
// notes, downloads the package when asked to install it, and refuses it,
// still unlocked, with nothing installed. Nothing reaches the server until
// the volunteer asks, and the check after unlocking runs only once turned on.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, it } from "node:test";
import { PASSPHRASE, activate, startApp } from "./harness.mjs";
import { KEYS, sleep } from "./webdriver.mjs";

const TAURI = fileURLToPath(new URL("../../node_modules/.bin/tauri", import.meta.url));
const VERSION = "99.0.0";
const NOTES = "Fixes the yearly report's comparison with the year before.";
const NOT_SIGNED = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/updates.json", import.meta.url), "utf8"),
).not_signed;

const SHOTS = process.env.QUIETLINE_SCREENSHOTS; // a directory, or unset

const work = mkdtempSync(join(tmpdir(), "quietline-e2e-updates-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the Tauri CLI; fails the test if it fails. */
function tauri(...args) {
  const run = spawnSync(TAURI, args, { cwd: work, encoding: "utf8" });
  assert.equal(run.status, 0, `tauri ${args.join(" ")}: ${run.stderr}`);
}

// A key pair made for this run only, and a "package" signed with it for
// version 99.0.0 as `tauri build` signs one.
const PACKAGE = Buffer.from("not really a package\n");
let signed = "";
before(() => {
  tauri("signer", "generate", "--ci", "--password", "", "--write-keys", join(work, "test.key"));
  writeFileSync(join(work, "quietline.deb"), PACKAGE);
  tauri(
    "signer",
    "sign",
    "--private-key-path",
    join(work, "test.key"),
    "--password",
    "",
    "--app-version",
    VERSION,
    join(work, "quietline.deb"),
  );
  signed = readFileSync(join(work, "quietline.deb.sig"), "utf8").trim();
});

/** An update server on 127.0.0.1 offering 99.0.0 with `signature`. */
async function updateServer(signature) {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const { port } = server.address();
    if (req.url === "/latest.json") {
      const platform = { url: `http://127.0.0.1:${port}/quietline.deb`, signature };
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          version: VERSION,
          notes: NOTES,
          pub_date: "2026-12-01T12:00:00Z",
          platforms: { "linux-x86_64": platform, "linux-x86_64-deb": platform },
        }),
      );
    } else if (req.url === "/quietline.deb") {
      res.setHeader("content-type", "application/octet-stream");
      res.end(PACKAGE);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}/latest.json`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function unlock(driver) {
  await driver.waitForText("h2", "Unlock", { timeoutMs: 30_000 });
  await (await driver.find("#passphrase")).type(PASSPHRASE + KEYS.enter);
  await driver.waitForText("h1", "Log a call", { timeoutMs: 30_000 });
}

async function openSettings(driver) {
  await (await driver.findByText("nav button", "Settings")).click();
  await driver.waitForText("h2", "Updates");
}

/** Checks, sees 99.0.0 and its notes, asks to install: refused. */
async function checkAndRefuse(driver, server) {
  await activate(driver, "check-updates");
  await driver.waitForText("#update-result", `Quietline ${VERSION} is available`, {
    timeoutMs: 30_000,
  });
  await driver.waitForText("#update-notes", NOTES);
  assert.deepEqual(server.requests, ["/latest.json"], "nothing downloaded before asking");
  await activate(driver, "install-update");
  await driver.waitForText("#update-error", NOT_SIGNED, { timeoutMs: 30_000 });
  // It was downloaded and checked, and refused: still unlocked, on Settings.
  assert.deepEqual(server.requests, ["/latest.json", "/quietline.deb"]);
  await driver.waitForText("h1", "Settings");
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await driver.script(
      "document.activeElement?.blur(); document.getElementById('updates-title').scrollIntoView(); return true",
    );
    await sleep(300);
    writeFileSync(join(SHOTS, "updates.png"), await driver.screenshot());
  }
}

for (const [name, signature] of [
  ["signed with a key other than the helpline's", () => signed],
  [
    "whose signature was forged",
    // The same signature with its last signature byte changed.
    () => {
      const text = Buffer.from(signed, "base64").toString("utf8").trimEnd().split("\n");
      const last = Buffer.from(text[3], "base64");
      last[last.length - 1] ^= 1;
      text[3] = last.toString("base64");
      return Buffer.from(text.join("\n") + "\n").toString("base64");
    },
  ],
]) {
  it(`sees 99.0.0 and its notes, and refuses a package ${name}`, async () => {
    const server = await updateServer(signature());
    const app = await startApp({
      created: true,
      env: { QUIETLINE_UPDATE_ENDPOINT: server.endpoint },
    });
    const { driver } = app;
    try {
      await unlock(driver);
      await openSettings(driver);
      // Automatic checks are off: unlocking asked the server nothing.
      await sleep(1000);
      assert.deepEqual(server.requests, []);
      await checkAndRefuse(driver, server);
    } finally {
      await app.stop();
      await server.close();
    }
  });
}

it("checks after unlocking once automatic checks are turned on", async () => {
  const server = await updateServer(signed);
  const app = await startApp({
    created: true,
    env: { QUIETLINE_UPDATE_ENDPOINT: server.endpoint },
  });
  const { driver } = app;
  try {
    await unlock(driver);
    await openSettings(driver);
    await driver.find("#check-updates-automatically");
    await driver.script(
      "document.getElementById('check-updates-automatically').focus(); return true",
    );
    await driver.press(" ");
    await (await driver.findByText("button", "Save settings")).click();
    await driver.waitForText("[role=status]", "Settings saved.");
    assert.deepEqual(server.requests, []);
    await driver.press([KEYS.ctrl, KEYS.shift, "l"]);
    await unlock(driver);
    await driver.waitForText(
      '[aria-label="Update available"]',
      `Quietline ${VERSION} is available`,
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(server.requests, ["/latest.json"]);
  } finally {
    await app.stop();
    await server.close();
  }
});
