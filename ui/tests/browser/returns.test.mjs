// The Returns screen from the keyboard alone, against the in-memory
// backend: a volunteer saves the coordinator key and makes a return; a
// coordinator becomes one, copies the key, checks files chosen, typed and
// dropped, confirms new volunteers' fingerprints, merges, and revokes a
// volunteer. Errors land on their fields. axe-core in light and dark, and
// at a 640-pixel width (200% zoom) without sideways scrolling.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import {
  assertAccessible,
  focusedId,
  goTo,
  isFocused,
  retype,
  tabTo,
  useMockApp,
} from "./harness.mjs";

// The backend's refusals, written by Rust (`export_refusals_for_the_browser_tests`).
const refusals = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/refusals.json", import.meta.url), "utf8"),
);
const NOT_A_RETURN = refusals.not_a_return.message;
// What Rust says once a volunteer's calls are removed, and in the demo log
// (`export_messages_for_the_browser_tests`).
const MESSAGES = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/messages.json", import.meta.url), "utf8"),
);
// The pretend coordinator key's fingerprint, written by Rust
// (`export_profile_and_theme_editor_for_the_browser_tests`).
const COORDINATOR_KEY_FINGERPRINT = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/profile.json", import.meta.url), "utf8"),
).keys.coordinator.fingerprint;

const openPage = useMockApp();

const RETURNS = "/home/coordinator/Returns";
const ALEX = "M4QF-2ZRA-KD7P-XW3N";

/** The Returns screen, reached from the navigation with the keyboard. */
async function openReturns(query = "", options = {}) {
  const page = await openPage(`?store=unlocked&calls=1${query}`, options);
  await goTo(page, "Returns");
  await page.getByRole("heading", { name: "Returns", exact: true }).waitFor();
  return page;
}

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

/** Replaces the text in the focused field. */
describe("returns: a volunteer", () => {
  it("is sent to Settings for the coordinator key, then makes a return, with errors at their fields", async () => {
    const page = await openReturns();
    assert.equal(await page.locator("#own-fingerprint").innerText(), "KZ3Q-7MNA-PX4D-TW2E");
    await page.getByText("None yet. Import your coordinator's helpline profile").waitFor();

    // No key saved: the error sits beside the way to Settings, which opens
    // at importing the profile that carries the key.
    await tabTo(page, page.getByRole("button", { name: "Create the return" }));
    await page.keyboard.press("Enter");
    await page
      .getByRole("alert")
      .getByText("Save your coordinator's key in Settings first")
      .waitFor();
    assert.equal(await focusedId(page), "return-settings");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "profile-import");

    // Pasted by hand instead: a key cut short is refused at the field.
    await page.locator("#coordinator-key").focus();
    await page.keyboard.type("age1qz5m8");
    await page.keyboard.press("Enter");
    await page.locator("#coordinator-key-error").getByText("is not a coordinator key").waitFor();
    assert.equal(await focusedId(page), "coordinator-key");
    // The field is marked in the same update as the message; wait for it rather than race it.
    await page.locator('#coordinator-key[aria-invalid="true"]').waitFor({ timeout: 5000 });
    await retype(page, "age19lszqf7h5p3lv6xvs9m49h6suxvjxzvhlvph0mnk89v83nvc7wgdqv2p4n");
    // Kept only with the fingerprint the coordinator reads out by phone.
    await page
      .getByText("This key's fingerprint:")
      .getByText(COORDINATOR_KEY_FINGERPRINT)
      .waitFor();
    await page.locator("#coordinator-key-read-out").fill(COORDINATOR_KEY_FINGERPRINT);
    await page.locator("#display-name").focus();
    await page.keyboard.type("Robin");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Settings saved.").waitFor();
    assert.equal((await mockState(page)).settings.coordinator_key.slice(0, 4), "age1");

    await goTo(page, "Returns");
    await page
      .getByText("age19lszqf7h5p3lv6xvs9m49h6suxvjxzvhlvph0mnk89v83nvc7wgdqv2p4n")
      .waitFor();
    await tabTo(page, page.locator("#return-year"));
    await retype(page, "26");
    await page.keyboard.press("Enter");
    await page.locator("#return-year-error").getByText("Enter the year as four digits").waitFor();
    assert.equal(await focusedId(page), "return-year");

    await retype(page, "2026");
    await tabTo(page, page.locator("#return-path"));
    assert.equal(await page.locator("#return-path").inputValue(), "/home/coordinator/Documents");
    await retype(page, "returns");
    await page.keyboard.press("Enter");
    await page.locator("#return-path-error").getByText("is not a full path").waitFor();
    assert.equal(await focusedId(page), "return-path");
    // The field is marked in the same update as the message; wait for it rather than race it.
    await page.locator('#return-path[aria-invalid="true"]').waitFor({ timeout: 5000 });

    await retype(page, "~/Documents");
    await page.keyboard.press("Enter");
    const made = page.getByRole("status").filter({ hasText: "Saved your return for 2026/27" });
    await made
      .getByText(
        /as \/home\/coordinator\/Documents\/quietline-return-2026-27\.qlreturn: \d+ calls? and 0 deletions\./,
      )
      .waitFor();
    // Again: never over the first file.
    await page.keyboard.press("Enter");
    await page.getByText("quietline-return-2026-27 (2).qlreturn").waitFor();
    assert.deepEqual((await mockState(page)).returnsSaved, [
      "/home/coordinator/Documents/quietline-return-2026-27.qlreturn",
      "/home/coordinator/Documents/quietline-return-2026-27 (2).qlreturn",
    ]);
    assert.deepEqual(page.errors, []);
  });
});

describe("returns: the coordinator", () => {
  it("becomes the coordinator, checks and merges returns after confirming fingerprints, and revokes", async () => {
    const page = await openReturns();
    assert.equal(
      await page.getByRole("heading", { name: "Merge returns" }).count(),
      0,
      "no merging before becoming the coordinator",
    );
    await tabTo(page, page.getByRole("button", { name: "Become the coordinator" }));
    await page.keyboard.press("Enter");
    const key = page.locator("#own-coordinator-key");
    await key.waitFor();
    assert.match(await key.innerText(), /^age1[02-9ac-hj-np-z]{58}$/);
    assert.equal(await focusedId(page), "coordinator-title");
    // The key travels in the profile; its fingerprint is read out by phone.
    assert.equal(
      await page.locator("#own-coordinator-key-fingerprint").innerText(),
      COORDINATOR_KEY_FINGERPRINT,
    );
    assert.equal(await page.getByText(/by email/).count(), 0);

    // Copy: the clipboard, or else the key is selected for Ctrl+C.
    await tabTo(page, page.getByRole("button", { name: "Copy the key" }));
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .getByText(/Copied\.|press Ctrl\+C to copy it/)
      .waitFor();
    if (await page.getByText("press Ctrl+C").count()) {
      assert.equal(await page.evaluate(() => String(window.getSelection())), await key.innerText());
    }

    // Choose files: two new volunteers and a file that is not a return.
    await page.evaluate(
      (dir) =>
        window.quietlineMock.chooseNext([
          `${dir}/alex-2024-25.qlreturn`,
          `${dir}/sam-2024-25.qlreturn`,
          "/tmp/bad.qlreturn",
        ]),
      RETURNS,
    );
    await tabTo(page, page.getByRole("button", { name: "Choose files…" }));
    await page.keyboard.press("Enter");
    const list = page.getByRole("list", { name: "Returns to merge" });
    await list.getByRole("listitem").nth(2).waitFor();
    const alex = list.getByRole("listitem").filter({ hasText: "alex-2024-25.qlreturn" });
    await alex.getByText("New volunteer").waitFor();
    await alex.getByText("From Alex: 2024/25, 42 calls, 1 deletion.").waitFor();
    await alex.getByText(ALEX).waitFor();
    await list
      .getByRole("listitem")
      .filter({ hasText: "bad.qlreturn" })
      .getByText(NOT_A_RETURN)
      .waitFor();
    const mergeButton = page.getByRole("button", { name: /^Merge/ });
    assert.ok(
      await mergeButton.isDisabled(),
      "nothing may merge before a fingerprint is confirmed",
    );
    await page.getByText("2 returns from new volunteers wait until you tick").waitFor();

    // A typed path is answered at the field.
    await tabTo(page, page.locator("#return-file-path"));
    await page.keyboard.press("Enter");
    await page
      .locator("#return-file-path-error")
      .getByText("Enter the full path of a return file")
      .waitFor();
    await page.keyboard.type("/tmp/bad.qlreturn");
    await page.keyboard.press("Enter");
    await page
      .locator("#return-file-path-error")
      .getByText(`bad.qlreturn: ${NOT_A_RETURN}`)
      .waitFor();
    assert.equal(await focusedId(page), "return-file-path");
    // The field is marked in the same update as the message; wait for it rather than race it.
    await page.locator('#return-file-path[aria-invalid="true"]').waitFor({ timeout: 5000 });
    await retype(page, `${RETURNS}/jo-2024-25.qlreturn`);
    await page.keyboard.press("Enter");
    await list.getByRole("listitem").filter({ hasText: "jo-2024-25.qlreturn" }).waitFor();
    assert.equal(await page.locator("#return-file-path").inputValue(), "");

    // Confirm Alex only, from the keyboard, and merge.
    await tabTo(page, page.getByLabel("I have checked this fingerprint with Alex"));
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Merge 1 return" }).waitFor();
    await tabTo(page, page.getByRole("button", { name: "Merge 1 return" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "What was merged" }).waitFor();
    assert.equal(await focusedId(page), "merge-results-title");
    await page
      .getByText("Merged Alex’s return for 2024/25: 42 new, 0 updated, 0 unchanged, 1 erased.")
      .waitFor();
    let state = await mockState(page);
    assert.deepEqual(state.merged, [`${RETURNS}/alex-2024-25.qlreturn`]);
    assert.deepEqual(
      state.volunteers.map((v) => v.name),
      ["Alex"],
      "only the confirmed volunteer is trusted",
    );
    // Sam and Jo still wait; the bad file stays with its reason.
    assert.equal(await list.getByRole("listitem").count(), 3);

    const volunteers = page.getByRole("region", { name: "Volunteers" });
    await volunteers.getByRole("heading", { name: /^Alex/ }).waitFor();
    await volunteers.getByText("2024/25: 42 calls").waitFor();

    // Dropped files: Alex is trusted now, and a merged file is recognised.
    await page.evaluate(
      (dir) =>
        window.quietlineMock.dropFiles([
          `${dir}/alex-2025-26.qlreturn`,
          `${dir}/alex-2024-25.qlreturn`,
        ]),
      RETURNS,
    );
    await list
      .getByRole("listitem")
      .filter({ hasText: "alex-2025-26.qlreturn" })
      .getByText("Ready to merge")
      .waitFor();
    await list
      .getByRole("listitem")
      .filter({ hasText: "alex-2024-25.qlreturn" })
      .getByText("Merged before")
      .waitFor();
    await page.getByRole("button", { name: "Merge 1 return" }).press("Enter");
    await page.getByText("Merged Alex’s return for 2025/26").waitFor();
    await volunteers.getByText("2024/25: 42 calls; 2025/26: 42 calls").waitFor();

    // Revoke, with a confirmation whose safe choice has the focus.
    await tabTo(page, volunteers.getByRole("button", { name: "Revoke…" }));
    await page.keyboard.press("Enter");
    await volunteers.getByRole("group").getByText("Revoke Alex’s key?").waitFor();
    assert.ok(await isFocused(volunteers.getByRole("button", { name: "Keep Alex" })));
    await page.keyboard.press("Enter");
    assert.equal(await volunteers.getByRole("group").count(), 0);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // Yes, revoke
    await volunteers.getByText(/^Revoked on /).waitFor();
    await volunteers.getByText("Alex’s key is revoked.").waitFor();
    state = await mockState(page);
    assert.ok(state.volunteers[0].revoked_on);

    // A return from a revoked volunteer is refused with the reason.
    await page.evaluate(
      (dir) => window.quietlineMock.dropFiles([`${dir}/alex-2026-27.qlreturn`]),
      RETURNS,
    );
    await list
      .getByRole("listitem")
      .filter({ hasText: "alex-2026-27.qlreturn" })
      .getByText("Alex’s key was revoked on")
      .waitFor();

    // A revoked volunteer's calls can be removed, after a confirmation
    // whose safe choice has the focus.
    await tabTo(page, volunteers.getByRole("button", { name: "Remove their calls…" }));
    await page.keyboard.press("Enter");
    await volunteers
      .getByRole("group")
      .getByText("Remove the 84 calls merged from Alex’s returns?")
      .waitFor();
    assert.ok(await isFocused(volunteers.getByRole("button", { name: "Keep their calls" })));
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // Yes, remove
    await volunteers
      .getByText(MESSAGES.purged.replace("{calls}", "84 calls").replace("{volunteer}", "Alex"))
      .waitFor();
    state = await mockState(page);
    assert.deepEqual(state.volunteers[0].calls_by_year, []);
    assert.equal(await volunteers.getByRole("button", { name: "Remove their calls…" }).count(), 0);
    assert.deepEqual(page.errors, []);
  });
});

describe("returns: the demo log", () => {
  it("says what the demo cannot do where it would be done, with the buttons disabled", async () => {
    const page = await openReturns("&demo=1");
    const note = page.locator("#returns-demo-note");
    assert.equal((await note.innerText()).trim(), MESSAGES.demo_note);
    for (const name of ["Become the coordinator", "Create the return"]) {
      const button = page.getByRole("button", { name });
      assert.ok(await button.isDisabled(), name);
      assert.equal(await button.getAttribute("aria-describedby"), "returns-demo-note", name);
    }
    // Settings: importing a profile is refused the same way.
    await goTo(page, "Settings");
    const importButton = page.getByRole("button", { name: "Import a profile…" });
    await importButton.waitFor();
    assert.ok(await importButton.isDisabled());
    assert.equal((await page.locator("#profile-demo-note").innerText()).trim(), MESSAGES.demo_note);
    await assertAccessible(page, "the demo log's Settings");
    assert.deepEqual(page.errors, []);
  });
});

describe("returns: accessibility", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe in ${colorScheme} mode with files, errors and a confirmation showing, and fits a 200% zoom`, async () => {
      for (const viewport of [
        { width: 1200, height: 900 },
        { width: 640, height: 800 },
      ]) {
        const page = await openReturns("&volunteer=1&coordinator=1", { colorScheme, viewport });
        await page.locator("#return-year").fill("24");
        await page.getByRole("button", { name: "Create the return" }).click();
        await page.locator("#return-year-error").waitFor();
        await page.evaluate(
          (dir) =>
            window.quietlineMock.chooseNext([
              `${dir}/alex-2024-25.qlreturn`,
              `${dir}/jo-2024-25.qlreturn`,
              "/tmp/bad.qlreturn",
            ]),
          RETURNS,
        );
        await page.getByRole("button", { name: "Choose files…" }).click();
        await page
          .getByRole("list", { name: "Returns to merge" })
          .getByRole("listitem")
          .nth(2)
          .waitFor();
        await page.locator("#return-file-path").fill("/nowhere/x.qlreturn");
        await page.getByRole("button", { name: "Add", exact: true }).click();
        await page.locator("#return-file-path-error").waitFor();
        await page.getByRole("button", { name: "Revoke…" }).click();
        await assertAccessible(page, `returns ${colorScheme} ${viewport.width}px`);
        await page.getByRole("button", { name: "Merge 1 return" }).click();
        await page.getByRole("heading", { name: "What was merged" }).waitFor();
        await assertAccessible(page, `merged ${colorScheme} ${viewport.width}px`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(
          overflow <= 0,
          `the Returns screen scrolls sideways by ${overflow}px at ${viewport.width}px`,
        );
        assert.deepEqual(page.errors, []);
        await page.context().close();
      }
    });
  }
});
