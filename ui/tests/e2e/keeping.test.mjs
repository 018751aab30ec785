// Backups in the real app: a volunteer whose log the CLI filled chooses a
// backup folder in Settings and backs up; a call logged after it is lost
// when the log is replaced by that backup from the Unlock screen (typed
// "replace"); the restored log has exactly the backed-up calls, and the
// backup still opens with the CLI on another "laptop".
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { PASSPHRASE, activate, cli, logCall, retype, startApp } from "./harness.mjs";
import { KEYS } from "./webdriver.mjs";

const work = mkdtempSync(join(tmpdir(), "quietline-e2e-keeping-"));
after(() => rmSync(work, { recursive: true, force: true }));

const calls = (dir) => cli(dir, "list").trim().split("\n").filter(Boolean).length;

it("backs up from Settings and restores over the log from the Unlock screen", async () => {
  const app = await startApp({ created: true });
  const { driver, store } = app;
  const folder = join(work, "usb");
  mkdirSync(folder);
  try {
    for (const day of ["2025-09-02", "2025-10-06", "2025-11-11"]) logCall(store, day);
    await driver.waitForText("h2", "Unlock", { timeoutMs: 30_000 });
    await (await driver.find("#passphrase")).type(PASSPHRASE + KEYS.enter);
    await driver.waitForText("h1", "Log a call", { timeoutMs: 30_000 });
    // No backup yet: a calm note on Log a call, leading to Settings.
    await driver.waitForText('[role="status"]', "not backed up yet");
    await (await driver.findByText("button", "Open backup settings")).click();
    await driver.waitForText("h2", "Backups");

    await retype(await driver.find("#backup-folder"), folder + KEYS.enter);
    await driver.waitForText("#backup-line", "No backups yet in");
    await activate(driver, "back-up-now");
    await driver.waitForText('[role="status"]', "Backed up 3 calls", { timeoutMs: 30_000 });
    await driver.waitForText("#backup-line", "1 kept in");
    const files = readdirSync(folder).filter((f) => f.endsWith(".qlbackup"));
    assert.equal(files.length, 1, files.join(", "));
    const backup = join(folder, files[0]);

    // A call after the backup, then lock.
    logCall(store, "2025-11-20");
    assert.equal(calls(store), 4);
    await driver.press([KEYS.ctrl, KEYS.shift, "l"]);
    await driver.waitForText("h2", "Unlock", { timeoutMs: 30_000 });

    // Restore over it: refused without the word, done with it.
    await (await driver.findByText("button", "Restore from a backup")).click();
    await driver.waitForText("h2", "Restore from a backup");
    await (await driver.find("#restore-file")).type(backup + KEYS.enter);
    await driver.waitForText("#restore-made", "Backup made");
    await (await driver.find("#restore-passphrase")).type(PASSPHRASE + KEYS.enter);
    await driver.waitForText("#restore-summary", "holds 3 calls", { timeoutMs: 30_000 });
    await (await driver.find("#restore-replace")).type("replace" + KEYS.enter);
    await driver.waitForText('[role="status"]', "Restored 3 calls", { timeoutMs: 30_000 });
    await activate(driver, "restore-open");
    await driver.waitForText("h1", "Log a call", { timeoutMs: 30_000 });
    // The call logged after the backup is gone: the log is the backup's.
    assert.equal(calls(store), 3);
  } finally {
    await app.stop();
  }
  // The backup also opens on another laptop, with the CLI.
  const laptop = join(work, "laptop");
  const backups = readdirSync(folder).filter((f) => f.endsWith(".qlbackup"));
  assert.ok(backups.length >= 1, backups.join(", "));
  cli(laptop, "restore", join(folder, backups[0]));
  assert.equal(calls(laptop), 3);
});
