// The helpline profile in the real app: a coordinator (store made by the
// CLI) adopts Quietline's 2025 theme list in the editor, publishes it and
// exports the profile; a volunteer's laptop (the CLI) imports it only with
// the fingerprint the screen showed. Then the app, as a volunteer, imports
// a profile by its typed path after a wrong and then the right fingerprint.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { CLI, PASSPHRASE, activate, cli, logCall, retype, startApp } from "./harness.mjs";
import { KEYS, sleep } from "./webdriver.mjs";

const work = mkdtempSync(join(tmpdir(), "quietline-e2e-profile-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The CLI on `dir` with its stderr, whatever its exit code. */
function run(dir, ...args) {
  return spawnSync(CLI, ["--store", dir, ...args], {
    env: { ...process.env, QUIETLINE_PASSPHRASE: PASSPHRASE },
    encoding: "utf8",
  });
}

async function unlock(driver) {
  await driver.waitForText("h2", "Unlock", { timeoutMs: 30_000 });
  await (await driver.find("#passphrase")).type(PASSPHRASE + KEYS.enter);
  await driver.waitForText("h1", "Log a call", { timeoutMs: 30_000 });
}

async function settings(driver) {
  await (await driver.findByText("nav button", "Settings")).click();
  await driver.waitForText("h2", "Helpline profile");
}

/** Presses a button from the keyboard, as a volunteer who tabs to it
 *  would (a pointer click can land on the bar kept in view below). */
it("a coordinator publishes the 2025 theme list and exports the profile; a volunteer imports it", async () => {
  const app = await startApp({ created: true });
  const { driver, store } = app;
  try {
    cli(store, "coordinator", "init");
    cli(store, "profile", "set", "--helpline", "End-to-end Helpline");
    await unlock(driver);
    // Calls of 2024/25 under theme list version 1.
    for (const day of ["2024-10-01", "2024-11-05"]) logCall(store, day, "inspection.ofsted");
    await settings(driver);
    await activate(driver, "profile-themes");
    await driver.waitForText("h1", "Theme list editor");
    await activate(driver, "start-shipped");
    await driver.find("#publish");
    await driver.waitForText("main", "Report card grades");
    await activate(driver, "publish");
    await activate(driver, "publish-yes");
    await driver.waitForText("#published-title", "Theme list version 2 is published", {
      timeoutMs: 30_000,
    });
    await activate(driver, "published-export");
    const box = await driver.find("#profile-export-path");
    await retype(box, work + KEYS.enter);
    const saved = await driver.waitForText("[role=status]", "Saved version", { timeoutMs: 30_000 });
    assert.ok(saved);
    const fingerprint = await driver.script(
      "return document.querySelector('[role=status] code.fingerprint')?.textContent ?? ''",
    );
    assert.match(fingerprint, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const files = readdirSync(work).filter((f) => f.endsWith(".qlprofile"));
    assert.equal(files.length, 1, files.join(", "));
    const file = join(work, files[0]);

    // The coordinator's own store now logs under version 2, and the
    // 2025/26 report compares with 2024/25 across the two versions.
    assert.match(cli(store, "themes"), /^inspection\.report_card\t/m);
    logCall(store, "2025-10-01", "inspection.report_card");
    await (await driver.findByText("nav button", "Report")).click();
    const year = await driver.find("#report-year");
    await driver.script("document.getElementById('report-year').value = ''; return true");
    await year.type("2025" + KEYS.enter);
    await driver.waitForText("#view-title", "Calls in 2025/26");
    await driver.waitForText("main", "Report card grades");
    await driver.waitForText("main", "not comparable");
    await driver.waitForText("main", "Theme list version 2 changed some themes");

    // A volunteer's laptop: the file imports only with that fingerprint.
    const volunteer = join(work, "volunteer");
    cli(volunteer, "init");
    const wrong = run(volunteer, "profile", "import", file, "--fingerprint", "AAAA-BBBB-CCCC-DDDD");
    assert.equal(wrong.status, 2, wrong.stderr);
    const right = run(volunteer, "profile", "import", file, "--fingerprint", fingerprint);
    assert.equal(right.status, 0, right.stderr);
    assert.match(cli(volunteer, "themes"), /^inspection\.report_card\t/m);
    assert.match(cli(volunteer, "profile", "show"), /^helpline\tEnd-to-end Helpline$/m);
  } finally {
    await app.stop();
  }
});

it("a volunteer imports a profile by its path, only with the fingerprint read out", async () => {
  // The coordinator's profile, made with the CLI.
  const coordinator = join(work, "coordinator");
  cli(coordinator, "init");
  cli(coordinator, "coordinator", "init");
  cli(coordinator, "profile", "set", "--helpline", "Path Helpline");
  const file = join(work, "path-helpline.qlprofile");
  const exported = run(coordinator, "profile", "export", "-o", file);
  assert.equal(exported.status, 0, exported.stderr);
  const fingerprint = exported.stderr.trim().split(": ").pop();

  const app = await startApp({ created: true });
  const { driver, store } = app;
  try {
    await unlock(driver);
    await settings(driver);
    await (await driver.find("#profile-path")).type(file + KEYS.enter);
    await driver.waitForText("#profile-file", "Ring your coordinator");
    const typed = await driver.find("#profile-fingerprint");
    await typed.type("AAAA-BBBB-CCCC-DDDD" + KEYS.enter);
    await driver.waitForText("#profile-fingerprint-error", "Do not import it");
    // Nothing was pinned by the wrong one.
    assert.match(cli(store, "profile", "show"), /^role\tnone/m);
    await retype(typed, fingerprint.toLowerCase() + KEYS.enter);
    await driver.waitForText("[role=status]", "is in use", { timeoutMs: 30_000 });
    await sleep(200);
    const shown = cli(store, "profile", "show");
    assert.match(shown, /^role\tvolunteer$/m);
    assert.match(shown, new RegExp(`^coordinator fingerprint\\t${fingerprint}$`, "m"));
  } finally {
    await app.stop();
  }
});
