// The real app end to end: the release binary (custom protocol) driven by
// tauri-driver and WebKitWebDriver, on its own temporary store. Run under
// Xvfb by scripts/e2e.sh. Checks the store with the CLI afterwards.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { CLI, PASSPHRASE, cli, startApp } from "./harness.mjs";
import { KEYS, sleep } from "./webdriver.mjs";

const SHOTS = process.env.QUIETLINE_SCREENSHOTS; // a directory, or unset

let app;
let driver;
let root;
let store;

async function shot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await sleep(400); // let typing and the draft save settle
  await driver.script("document.activeElement?.blur(); window.scrollTo(0, 0); return true");
  await sleep(100);
  writeFileSync(join(SHOTS, `${name}.png`), await driver.screenshot());
}

before(async () => {
  const started = Date.now();
  app = await startApp();
  ({ driver, root, store } = app);
  await driver.waitForText("h2", "Set up Quietline", { timeoutMs: 30_000 });
  if (SHOTS)
    await driver
      .setWindowSize(1280, 1500)
      .catch((e) => console.log(`# window size unchanged: ${e.message}`));
  console.log(`# cold start to first screen: ${Date.now() - started} ms`);
});

async function goTo(screen) {
  await (await driver.findByText("nav button", screen)).click();
}

after(async () => {
  await app?.stop();
});

it("sets up a store, logs a call, locks, unlocks, and the call is in the encrypted store", async () => {
  await shot("1-set-up");
  await (await driver.find("#new-passphrase")).type(PASSPHRASE);
  await (await driver.find("#confirm")).type(PASSPHRASE + KEYS.enter);
  await driver.waitForText("h2", "Write down your recovery key");
  await driver.find("#recovery-key-shown");
  const key = await driver.script(
    "return [...document.querySelectorAll('#recovery-key-shown span')].map(s => s.textContent)",
  );
  // Eight groups of four and the check character.
  assert.equal(key.length, 9);
  assert.equal(key[8].length, 1);
  await shot("2-recovery-key");
  await (await driver.find("#last-group")).type(key[7] + KEYS.enter);

  await driver.waitForText("h1", "Log a call");
  await (await driver.find("#duration")).type("25");
  await (await driver.find("#role")).type("head" + KEYS.enter);
  await (await driver.find("#setting")).type("second" + KEYS.enter);
  await (await driver.find("#region")).type("london" + KEYS.enter);
  await (await driver.find("#themes")).type("ofsted" + KEYS.enter);
  await (await driver.find("#risk-high")).click();
  await driver.waitForText("h2", "Safeguarding");
  await (await driver.find("#sg-asked")).click();
  await (await driver.find("#notes")).type("Synthetic end-to-end note");
  await shot("3-log-a-call");
  await (await driver.find("#notes")).type(KEYS.ctrl + KEYS.enter + KEYS.release);
  await driver.waitForText("[role=status]", "Call logged at");

  await goTo("Calls");
  await driver.waitForText("main", "1 call.");
  await driver.waitForText("main", "Ofsted");
  await shot("4-calls");

  await goTo("Settings");
  await driver.waitForText("h2", "Change passphrase");
  await shot("5-settings");

  await (await driver.find("button.lock")).click();
  await driver.waitForText("h2", "Unlock");
  await shot("6-unlock");
  await (await driver.find("#passphrase")).type("wrong passphrase" + KEYS.enter);
  await driver.waitForText("[role=alert]", "does not unlock this call log");
  await driver.script("document.getElementById('passphrase').value=''");
  await (await driver.find("#passphrase")).type(PASSPHRASE + KEYS.enter);
  await driver.waitForText("h1", "Log a call");
});

it("left a store the CLI can read, with no note text in any file", () => {
  const listed = spawnSync(CLI, ["list", "--notes"], {
    env: { ...process.env, QUIETLINE_STORE: store, QUIETLINE_PASSPHRASE: PASSPHRASE },
    encoding: "utf8",
  });
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /Synthetic end-to-end note/);
  assert.match(listed.stdout, /inspection\.ofsted/);
  for (const file of readdirSync(store)) {
    const bytes = readFileSync(join(store, file));
    assert.equal(
      bytes.includes("Synthetic end-to-end"),
      false,
      `${file} holds note text in the clear`,
    );
  }
});

/** The Report screen's "All calls" for the academic year starting in `year`. */
async function reportedCalls(year) {
  await goTo("Report");
  const field = await driver.find("#report-year");
  await driver.script("document.getElementById('report-year').value = ''; return true");
  await field.type(`${year}${KEYS.enter}`);
  await driver.waitForText(
    "#view-title",
    `Calls in ${year}/${String((year + 1) % 100).padStart(2, "0")}`,
  );
  await driver.waitForText("[role=status]", "shown.");
  const text = await driver.script(
    "return [...document.querySelectorAll('ul.figures li')].find(li => li.querySelector('.label').textContent === 'All calls').querySelector('.value').textContent",
  );
  return Number(text.replaceAll(",", ""));
}

it("becomes the coordinator, merges a volunteer's return made with the CLI, and the report counts it", async () => {
  // The academic year in progress holds the call logged above.
  const now = new Date();
  const year = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
  const before = await reportedCalls(year);
  assert.ok(before >= 1, `the app's own call is counted: ${before}`);

  await goTo("Returns");
  await driver.waitForText("h1", "Returns");
  await (await driver.findByText("button", "Become the coordinator")).click();
  await driver.waitForText("#own-coordinator-key", "age1");
  const key = (await (await driver.find("#own-coordinator-key")).text()).trim();
  assert.match(key, /^age1[02-9ac-hj-np-z]{58}$/);
  // What the coordinator reads to the volunteer by phone.
  const keyFingerprint = (
    await (await driver.find("#own-coordinator-key-fingerprint")).text()
  ).trim();

  // A volunteer on another laptop: their own store, three calls early in
  // the same academic year, and a return for the coordinator's key.
  const volunteer = join(root, "volunteer");
  cli(volunteer, "init");
  const settings = cli(
    volunteer,
    "settings",
    "--display-name",
    "Volunteer B",
    "--coordinator-key",
    key,
    "--fingerprint",
    keyFingerprint,
  );
  const fingerprint = /signing fingerprint\t(\S+)/.exec(settings)?.[1];
  assert.ok(fingerprint, settings);
  for (const minute of [1, 2, 3]) {
    cli(
      volunteer,
      "log",
      "--at",
      `${year}-09-01T00:0${minute}:00+01:00`,
      "--minutes",
      "20",
      "--role",
      "headteacher",
      "--setting",
      "primary",
      "--region",
      "north_west",
      "--theme",
      "wellbeing.workload",
      "--risk",
      "low",
    );
  }
  const file = join(root, "volunteer-b.qlreturn");
  cli(volunteer, "return", "--year", String(year), "--academic", "-o", file);

  // Typed path: the file is checked, and the volunteer is new.
  await (await driver.find("#return-file-path")).type(file + KEYS.enter);
  await driver.waitForText("ul.files", "New volunteer");
  await driver.waitForText("ul.files", fingerprint);
  await driver.waitForText(
    "ul.files",
    "From Volunteer B: " + `${year}/${String((year + 1) % 100).padStart(2, "0")}, 3 calls`,
  );
  await shot("7-returns");
  // In the 1200×700 window the box sits below the fold: bring it into view first.
  await driver.script(
    "document.querySelector('ul.files input[type=checkbox]').scrollIntoView({ block: 'center' }); return true",
  );
  await (await driver.find("ul.files input[type=checkbox]")).click();
  await (await driver.findByText("button", "Merge 1 return")).click();
  await driver.waitForText("main", "Merged Volunteer B’s return");
  await driver.waitForText("#volunteers-title ~ ul", "Volunteer B");

  assert.equal(
    await reportedCalls(year),
    before + 3,
    "the report counts the merged calls with the coordinator's own",
  );
});
