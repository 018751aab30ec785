// Backups, restoring one, the retention policy and legal holds, from the
// keyboard, against the in-memory backend, which answers with what the
// library said (`export_keeping_for_the_browser_tests`): the backup folder
// is refused in Rust's words until it is a folder, "Back up now" shows its
// progress and then the library's message; the warning on Log a call is
// calm and never takes the cursor; a retention policy is previewed and
// applied only once confirmed (Escape and Cancel change nothing); a backup
// is restored on a new computer with its passphrase, and over a call log
// already here only with the typed word, with the recovery key; a call goes
// on legal hold and comes off it; a shredded call says so. axe-core on
// each new panel.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  assertAccessible,
  focusedId,
  goTo,
  isFocused,
  retype,
  tabTo,
  useMockApp,
} from "./harness.mjs";

const keeping = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/keeping.json", import.meta.url), "utf8"),
);
const { status, files, previews, shred_previews, retention, said, refusals } = keeping;

const openPage = useMockApp();

const FOLDER = status.backed_up.folder;
const NEWEST = said.made.path;
const OLDER = said.older.path;
const BACKUP_PASSPHRASE = "correct horse battery staple";
const RECOVERY_KEY = "GCKU-IN46-P5OE-MRMK-FZOZ-6OQQ-D6OV-DXHE-T";

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());
/** Waits for `id` to hold the focus. */
const focusIn = (page, id) =>
  page.waitForFunction((want) => document.activeElement?.id === want, id);

async function openSettings(query) {
  const page = await openPage(`?store=unlocked${query}`);
  await page.getByRole("heading", { name: "Log a call" }).waitFor();
  await goTo(page, "Settings");
  await page.getByRole("heading", { name: "Backups" }).waitFor();
  await page.getByRole("heading", { name: "Keeping notes" }).waitFor();
  return page;
}

/** The alert shown at the input `id`, and that the input names it. */
async function alertAt(page, id, message) {
  await page.locator(`#${id}-error[role="alert"]`).getByText(message).waitFor();
  await focusIn(page, id);
  await page.locator(`#${id}[aria-invalid="true"]`).waitFor();
  assert.match(await page.locator(`#${id}`).getAttribute("aria-describedby"), /-error/);
}

describe("keeping: backups in Settings", () => {
  it("saves the folder once Rust accepts it, and backs up now with progress", async () => {
    const page = await openSettings("&calls=1");
    const section = page.locator('section[aria-labelledby="backups-title"]');
    await section.getByText(status.not_set_up.line).waitFor();
    await assertAccessible(page, "backup settings");

    // A folder typed without its full path: refused at the field.
    await page.locator("#backup-folder").focus();
    await page.keyboard.type("Quietline");
    await page.keyboard.press("Enter");
    await alertAt(page, "backup-folder", refusals.folder_not_full.message);

    // Chosen in the folder chooser instead; the cursor comes back to it.
    await page.evaluate((p) => window.quietlineMock.chooseNext([p]), FOLDER);
    await tabTo(page, page.getByRole("button", { name: "Choose…" }).first());
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (want) => document.getElementById("backup-folder")?.value === want,
      FOLDER,
    );
    await focusIn(page, "backup-folder");

    // Backups kept out of the library's range: refused there.
    await tabTo(page, page.locator("#backup-keep"));
    await retype(page, "0");
    await page.keyboard.press("Enter");
    await alertAt(page, "backup-keep", refusals.keep_backups.message);
    await retype(page, "10");
    await page.keyboard.press("Enter");
    await section.getByRole("status").getByText("Backup settings saved.").waitFor();
    await section.getByText(status.no_backups.line).waitFor();
    let state = await mockState(page);
    assert.equal(state.backups.folder, FOLDER);
    assert.equal(state.backups.keep, 10);
    // The general settings' save bar has nothing of its own to save.
    assert.equal(await page.getByText("You have changes that are not saved yet.").count(), 0);

    // Back up now: progress, then the library's message and a new line.
    await tabTo(page, page.getByRole("button", { name: "Back up now" }));
    await page.keyboard.press("Enter");
    await section.getByRole("status").getByText("Backing up…").waitFor();
    await section.getByRole("status").getByText(said.made.message).waitFor();
    await section.getByText(status.backed_up.line).waitFor();
    state = await mockState(page);
    assert.deepEqual(state.backups.made, [NEWEST]);

    // The stick taken out: the library's refusal, and nothing is written.
    await page.evaluate(() => window.quietlineMock.unplug(true));
    await page.getByRole("button", { name: "Back up now" }).focus();
    await page.keyboard.press("Enter");
    await section.getByRole("alert").getByText(refusals.unreachable.message).waitFor();
    assert.equal((await mockState(page)).backups.made.length, 1);
    await assertAccessible(page, "backup refused");
    assert.deepEqual(page.errors, []);
  });

  it("shows the demo store's line only", async () => {
    const page = await openPage("?store=none");
    await page.getByRole("button", { name: "Open the demo call log" }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await goTo(page, "Settings");
    const section = page.locator('section[aria-labelledby="backups-title"]');
    await section.getByText(status.demo.line).waitFor();
    assert.equal(await page.locator("#backup-folder").count(), 0);
    assert.equal(await page.getByRole("button", { name: "Back up now" }).count(), 0);
  });
});

describe("keeping: the warning on Log a call", () => {
  it("is calm, never takes the cursor from the form, and leads to Settings", async () => {
    const page = await openPage("?store=unlocked&calls=1&backups=stale");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    const warning = page.getByRole("status").filter({ hasText: status.stale.warning });
    await warning.waitFor();
    // The cursor is where typing starts, as on any Log a call screen.
    await focusIn(page, "timer");
    assert.equal(await page.getByRole("alert").count(), 0);
    await page.keyboard.press("Alt+T");
    await focusIn(page, "role");
    await page.keyboard.type("head");
    assert.equal(await focusedId(page), "role");
    await assertAccessible(page, "log a call with the backup warning");

    // Its button opens the backup settings with the cursor in the folder.
    await warning.getByRole("button", { name: "Open backup settings" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Backups" }).waitFor();
    await focusIn(page, "backup-folder");
    assert.deepEqual(page.errors, []);
  });

  it("is not there when the backups are up to date", async () => {
    const page = await openPage("?store=unlocked&calls=1&backups=set");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await focusIn(page, "timer");
    assert.equal(await page.getByRole("button", { name: "Open backup settings" }).count(), 0);
  });
});

describe("keeping: the retention policy", () => {
  it("previews, cancels with Escape or Cancel, refuses in Rust's words, then shreds", async () => {
    const page = await openSettings("&calls=1");
    const section = page.locator('section[aria-labelledby="retention-title"]');
    await section.getByText(retention.none.notice).waitFor();
    await section.locator("#retention-line").getByText(retention.none.line).waitFor();
    const months = page.locator("#retention-months");
    assert.equal(await months.inputValue(), "0");

    // Preview, then Escape: nothing changes.
    await months.focus();
    await retype(page, "12");
    await page.keyboard.press("Enter");
    const preview = page.locator("#shred-preview");
    await preview.getByText(shred_previews["12"].message).waitFor();
    await focusIn(page, "shred-preview-title");
    await assertAccessible(page, "shred preview");
    await page.keyboard.press("Escape");
    await preview.waitFor({ state: "detached" });
    await focusIn(page, "retention-months");
    assert.equal(await months.inputValue(), "0");

    // Preview, then Cancel from the keyboard: nothing changes either.
    await retype(page, "12");
    await page.keyboard.press("Enter");
    await preview.waitFor();
    await tabTo(page, preview.getByRole("button", { name: /Cancel/ }));
    await page.keyboard.press("Enter");
    await preview.waitFor({ state: "detached" });
    let state = await mockState(page);
    assert.equal(state.retentionMonths, 0);
    assert.equal(
      state.log.some((l) => l.startsWith("set_retention")),
      false,
    );

    // More months than the library allows: refused at the field.
    await retype(page, "121");
    await page.keyboard.press("Enter");
    await alertAt(page, "retention-months", refusals.retention_months.message);

    // Confirmed: shredded, in the library's words.
    await retype(page, "12");
    await page.keyboard.press("Enter");
    await preview.waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "shred-confirm");
    assert.equal(await page.locator("#shred-confirm").innerText(), "Shred and save");
    await page.keyboard.press("Enter");
    await section.getByRole("status").getByText(said.shredded.message).waitFor();
    await section.locator("#retention-line").getByText(retention.set.line).waitFor();
    await preview.waitFor({ state: "detached" });
    state = await mockState(page);
    assert.equal(state.retentionMonths, 12);
    assert.deepEqual(page.errors, []);
  });
});

describe("keeping: restoring a backup", () => {
  it("restores on a new computer: the file, a wrong passphrase, the summary", async () => {
    const page = await openPage("?store=none");
    await page.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    await page.locator("#start-restore").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Restore from a backup" }).waitFor();
    await focusIn(page, "restore-file");
    await assertAccessible(page, "restore: the file");

    // A path with nothing there: refused at the field.
    const missing = "/media/usb/Quietline/not-here.qlbackup";
    await page.keyboard.type(missing);
    await page.keyboard.press("Enter");
    await alertAt(page, "restore-file", refusals.file_missing.message.replace("{path}", missing));

    // Chosen in the chooser: when it was made, and the cursor on the passphrase.
    await page.evaluate((p) => window.quietlineMock.chooseNext([p]), NEWEST);
    await page.locator("#restore-choose").focus();
    await page.keyboard.press("Enter");
    await page.getByText(`Backup made ${files.new_laptop.made}`).waitFor();
    await focusIn(page, "restore-passphrase");

    // A wrong passphrase: the library's words at the field, selected.
    await page.keyboard.type("not the passphrase");
    await page.keyboard.press("Enter");
    await alertAt(page, "restore-passphrase", refusals.wrong_passphrase.message);
    await page.keyboard.type(BACKUP_PASSPHRASE);
    await page.keyboard.press("Enter");
    await page.locator("#restore-summary").getByText(previews.newest.summary).waitFor();
    // The newest backup of its folder: nothing deleted since, no warning.
    assert.equal(previews.newest.warning, "");
    assert.equal(await page.locator("#restore-warning").count(), 0);
    // Nothing to replace here: no word to type, the cursor on Restore.
    assert.equal(await page.locator("#restore-replace").count(), 0);
    await focusIn(page, "restore-go");
    await assertAccessible(page, "restore: the summary");
    assert.equal((await mockState(page)).exists, false);

    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText(said.restored.message).waitFor();
    await focusIn(page, "restore-open");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    const state = await mockState(page);
    assert.equal(state.exists, true);
    assert.equal(state.unlocked, true);
    assert.equal(state.passphrase, BACKUP_PASSPHRASE);
    assert.deepEqual(page.errors, []);
  });

  it("replaces a call log here only with the typed word, unlocked by the recovery key", async () => {
    const page = await openPage("?store=locked");
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await page.getByRole("button", { name: "Restore from a backup" }).focus();
    await page.keyboard.press("Enter");
    await focusIn(page, "restore-file");
    await page.keyboard.type(OLDER);
    await page.keyboard.press("Enter");
    await page.getByText(`Backup made ${previews.older.made}`).waitFor();
    await focusIn(page, "restore-passphrase");

    await page.getByRole("button", { name: "Use the recovery key instead" }).focus();
    await page.keyboard.press("Enter");
    await focusIn(page, "restore-recovery-key");
    await page.keyboard.type("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH");
    await page.locator("#restore-new-passphrase").fill("kettle morning oxbow lantern");
    await page.locator("#restore-confirm-new").fill("kettle morning oxbow lantern");
    await page.keyboard.press("Enter");
    await alertAt(page, "restore-recovery-key", refusals.recovery_key_wrong.message);
    await page.keyboard.type(RECOVERY_KEY.toLowerCase());
    await page.keyboard.press("Enter");
    await page.locator("#restore-summary").getByText(previews.older.summary).waitFor();
    // An older backup: the library says what that means.
    await page.getByText(previews.older.warning).waitFor();

    // The log already here is replaced only once the word is typed.
    await focusIn(page, "restore-replace");
    await page.getByLabel(`Type ${files.store_exists.confirm_word} to confirm`).waitFor();
    await assertAccessible(page, "restore: replacing");
    await page.keyboard.press("Enter");
    await alertAt(page, "restore-replace", refusals.replace_confirmation.message);
    assert.equal(
      (await mockState(page)).log.some((l) => l === "restore_backup"),
      false,
    );
    await page.keyboard.type(files.store_exists.confirm_word);
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText(said.restored.message).waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    const state = await mockState(page);
    assert.equal(state.passphrase, "kettle morning oxbow lantern");
    assert.deepEqual(page.errors, []);
  });
});

describe("keeping: legal hold", () => {
  it("puts a call on legal hold and releases it; a shredded call says so", async () => {
    const page = await openPage("?store=unlocked&calls=1&shredded=1");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await goTo(page, "Calls");
    await page.getByRole("button", { name: /Open the call of Tue 10 Nov 2026/ }).click();
    await page.getByRole("heading", { name: /Call logged/ }).waitFor();
    const hold = page.locator("#legal-hold");
    assert.equal(await hold.innerText(), "Put on legal hold");
    await hold.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText(said.hold).waitFor();
    await page.getByText("On legal hold", { exact: true }).waitFor();
    assert.equal(await hold.innerText(), "Release legal hold");
    assert.equal(await isFocused(hold), true);
    let state = await mockState(page);
    assert.equal(state.holds.length, 1);
    await assertAccessible(page, "a call on legal hold");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText(said.release).waitFor();
    assert.equal(await hold.innerText(), "Put on legal hold");
    state = await mockState(page);
    assert.equal(state.holds.length, 0);

    // The call whose notes were shredded: said, and its notes not for typing.
    await page.getByRole("button", { name: "Back to calls" }).click();
    await page.getByRole("button", { name: /Open the call of Mon 2 Nov 2026/ }).click();
    await page.getByText(said.shredded_call).waitFor();
    assert.equal(await page.locator("#notes").getAttribute("readonly"), "");
    assert.match(await page.locator("#notes").getAttribute("aria-describedby"), /shredded-note/);
    assert.equal(await page.locator("#legal-hold").count(), 0);
    await assertAccessible(page, "a shredded call");
    assert.deepEqual(page.errors, []);
  });
});
