// Updates in Settings, from the keyboard, against the in-memory backend,
// which answers with what the library said
// (`export_update_messages_for_the_browser_tests`): checking is off until
// the volunteer turns it on and saves; "Check for updates" says this is
// the latest version, or shows the newer one with its notes and an
// install button; an install whose signature does not verify is refused
// in Rust's words with nothing installed; a newer version found after
// unlocking shows a calm notice that leads to Settings. axe-core on each.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertAccessible, goTo, tabTo, useMockApp } from "./harness.mjs";

const updates = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/updates.json", import.meta.url), "utf8"),
);
const fill = (text) =>
  text
    .replaceAll("{current}", "0.1.0")
    .replaceAll("{version}", "0.2.0")
    .replaceAll("{notes}", "Fixes the yearly report.");

const openPage = useMockApp();
const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

async function openSettings(query = "") {
  const page = await openPage(`?store=unlocked${query}`);
  await page.getByRole("heading", { name: "Log a call" }).waitFor();
  await goTo(page, "Settings");
  await page.getByRole("heading", { name: "Updates" }).waitFor();
  return page;
}

/** Presses "Check for updates" from the keyboard. */
async function checkNow(page) {
  await tabTo(page, page.locator("#check-updates"));
  await page.keyboard.press("Enter");
}

describe("updates in Settings", () => {
  it("checks nothing until asked, and says when this is the latest version", async () => {
    const page = await openSettings();
    const auto = page.getByLabel("Check for updates automatically");
    assert.equal(await auto.isChecked(), false, "off until the volunteer turns it on");
    assert.ok(!(await mockState(page)).log.includes("check_for_update"));
    await assertAccessible(page, "updates section");

    await checkNow(page);
    await page.locator("#update-result").getByText(fill(updates.latest.message)).waitFor();
    assert.equal(await page.locator("#install-update").count(), 0);
    assert.deepEqual(
      (await mockState(page)).log.filter((l) => l === "check_for_update"),
      ["check_for_update"],
    );
  });

  it("turns automatic checks on only when the settings are saved", async () => {
    const page = await openSettings();
    await tabTo(page, page.locator("#check-updates-automatically"));
    await page.keyboard.press("Space");
    assert.equal((await mockState(page)).settings.check_for_updates, false);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    assert.equal((await mockState(page)).settings.check_for_updates, true);
  });

  it("shows a newer version with its notes, and installs only when asked", async () => {
    const page = await openSettings("&update=offer");
    await checkNow(page);
    const result = page.locator("#update-result");
    await result.getByText(fill(updates.offer.message)).waitFor();
    await result.getByText("Fixes the yearly report.").waitFor();
    await page.getByRole("heading", { name: "What Quietline 0.2.0 changes" }).waitFor();
    assert.ok(!(await mockState(page)).log.includes("install_update"), "not without asking");
    await assertAccessible(page, "an update on offer");

    await tabTo(page, page.getByRole("button", { name: "Install Quietline 0.2.0" }));
    await page.keyboard.press("Enter");
    // The backend locks before installing and the app restarts: Unlock.
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    assert.ok((await mockState(page)).log.includes("install_update"));
  });

  it("refuses an update whose signature does not verify, in Rust's words", async () => {
    const page = await openSettings("&update=forged");
    await checkNow(page);
    await page.locator("#update-result").getByText(fill(updates.offer.message)).waitFor();
    await tabTo(page, page.getByRole("button", { name: "Install Quietline 0.2.0" }));
    await page.keyboard.press("Enter");
    const alert = page.locator('#update-error[role="alert"]');
    await alert.getByText(updates.not_signed).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "update-error");
    // Still unlocked, still on Settings: nothing was installed.
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    assert.equal((await mockState(page)).unlocked, true);
    await assertAccessible(page, "a refused update");
  });

  it("says so when the update server cannot be reached", async () => {
    const page = await openSettings("&update=offline");
    await checkNow(page);
    await page.locator('#update-error[role="alert"]').getByText(updates.unreachable).waitFor();
  });

  it("shows a calm notice when the check after unlocking finds a newer version", async () => {
    const page = await openPage("?store=unlocked&update=offer");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    const focused = await page.evaluate(() => document.activeElement?.id ?? "");
    await page.evaluate(() => window.quietlineMock.updateAvailable());
    const notice = page.getByRole("complementary", { name: "Update available" });
    await notice.getByText(fill(updates.offer.message)).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id ?? ""),
      focused,
      "the notice never takes the cursor",
    );
    await assertAccessible(page, "the update notice");
    await notice.getByRole("button", { name: "Read about it in Settings" }).click();
    await page.locator("#update-result").getByText("Fixes the yearly report.").waitFor();
  });
});
