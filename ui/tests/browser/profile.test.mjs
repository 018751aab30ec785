// The helpline profile and the theme list editor from the keyboard alone,
// against the in-memory backend, which answers with what the library said
// (`export_profile_and_theme_editor_for_the_browser_tests`): a volunteer's
// first import needs the fingerprint read out by phone, an update applies
// with one button, an older file and another coordinator's are refused,
// and trusting a new coordinator is its own choice; a coordinator names the
// helpline, exports the profile, and makes theme list version 2 from
// Quietline's 2025 list with a split and a rename; a key pasted by hand is
// kept only with its fingerprint; a call logged under version 1 says so.
// axe-core on each new panel, in light and dark.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  assertAccessible,
  focusedId,
  goTo,
  retype,
  sidewaysScroll,
  tabTo,
  useMockApp,
} from "./harness.mjs";

const fixture = (name) =>
  JSON.parse(readFileSync(new URL(`../../src/lib/testing/${name}`, import.meta.url), "utf8"));
const profile = fixture("profile.json");
const refusals = fixture("refusals.json");
const { files, applied, exported, keys, editor } = profile;
const said = profile.refusals;

const openPage = useMockApp();

const DOWNLOADS = "/home/volunteer/Downloads";
const FIRST = `${DOWNLOADS}/quietline-profile-v1.qlprofile`;
const SECOND = `${DOWNLOADS}/quietline-profile-v2.qlprofile`;
const OTHER = `${DOWNLOADS}/new-coordinator.qlprofile`;
const COORDINATOR = files.first_import.signer_fingerprint;
const NEW_COORDINATOR = files.other_signer.signer_fingerprint;

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

/** Settings, reached from the menu with the keyboard. */
async function openSettings(query, options = {}) {
  const page = await openPage(`?store=unlocked${query}`, options);
  await goTo(page, "Settings");
  await page.getByRole("heading", { name: "Helpline profile" }).waitFor();
  return page;
}

/** Presses "Import a profile…" with `path` to be picked in the chooser. */
async function pick(page, path) {
  await page.evaluate((p) => window.quietlineMock.chooseNext([p]), path);
  await tabTo(page, page.getByRole("button", { name: "Import a profile…" }));
  await page.keyboard.press("Enter");
}

/** Picks `path` and waits for its panel. */
async function choose(page, path) {
  await pick(page, path);
  await page.locator("#profile-file").waitFor();
}

const panel = (page) => page.locator("#profile-file");
const status = (page) => page.getByRole("status");

/** Waits for `id` to hold the focus. */
const focusIn = (page, id) =>
  page.waitForFunction((want) => document.activeElement?.id === want, id);

describe("profile: a volunteer", () => {
  it("imports the first profile only with the fingerprint the coordinator reads out", async () => {
    const page = await openSettings("");
    await page.getByText("No helpline profile yet.").waitFor();
    await choose(page, FIRST);
    await panel(page).getByText(files.first_import.message).waitFor();
    await panel(page).getByText(COORDINATOR, { exact: true }).waitFor();
    // The cursor waits where the fingerprint is typed, told to ring.
    await focusIn(page, "profile-fingerprint");
    await page.getByLabel("Fingerprint your coordinator reads to you").waitFor();
    await page.getByText("Ring your coordinator on a number you already have").waitFor();

    // Nothing typed, then a wrong one: refused at the field, in Rust's words.
    await page.keyboard.press("Enter");
    const error = page.locator("#profile-fingerprint-error");
    await error.getByText(said.fingerprint_missing.message).waitFor();
    assert.equal(await focusedId(page), "profile-fingerprint");
    await page.locator('#profile-fingerprint[aria-invalid="true"]').waitFor();
    assert.match(
      await page.locator("#profile-fingerprint").getAttribute("aria-describedby"),
      /profile-fingerprint-error/,
    );
    await page.keyboard.type("AAAA-BBBB-CCCC-DDDD");
    await page.keyboard.press("Enter");
    await error.getByText(said.fingerprint_wrong.message).waitFor();
    assert.equal(await focusedId(page), "profile-fingerprint");
    assert.equal((await mockState(page)).profile.role, "none");

    // Typed as it is read out: lower case, spaces for dashes.
    await retype(page, COORDINATOR.toLowerCase().replaceAll("-", " "));
    await page.keyboard.press("Enter");
    await status(page).getByText(applied.first_import.message).waitFor();
    assert.equal(await panel(page).count(), 0);
    await page.getByText("Your coordinator's fingerprint").waitFor();
    await page.getByText(COORDINATOR, { exact: true }).waitFor();
    const state = await mockState(page);
    assert.equal(state.profile.signer_fingerprint, COORDINATOR);
    // The settings the profile carries show without leaving the screen.
    assert.equal(await page.locator("#coordinator-key").inputValue(), keys.coordinator.key);
    assert.equal(await focusedId(page), "profile-import");

    // The same file again: already in use, nothing to do.
    await choose(page, FIRST);
    await panel(page).getByText(files.current.message).waitFor();
    assert.equal(
      await panel(page)
        .getByRole("button", { name: /^Import/ })
        .count(),
      0,
    );
    assert.deepEqual(page.errors, []);
  });

  it("applies an update with one button, then refuses the older file in Rust's words", async () => {
    const page = await openSettings("&profile=1");
    await choose(page, SECOND);
    await panel(page).getByText(files.update.message).waitFor();
    assert.equal(await page.locator("#profile-fingerprint").count(), 0, "no fingerprint asked");
    await tabTo(page, page.getByRole("button", { name: "Import version 2" }));
    await page.keyboard.press("Enter");
    await status(page).getByText(applied.update.message).waitFor();
    assert.equal((await mockState(page)).profile.theme_list_version, 2);

    await choose(page, FIRST);
    await panel(page).getByText(files.superseded.message).waitFor();
    assert.equal(
      await panel(page)
        .getByRole("button", { name: /^Import/ })
        .count(),
      0,
    );
    // Escape closes it, back where it was opened.
    await page.keyboard.press("Escape");
    await panel(page).waitFor({ state: "detached" });
    assert.equal(await focusedId(page), "profile-import");

    // A file that is not there is refused beside the button.
    await pick(page, `${DOWNLOADS}/gone.txt`);
    await page
      .getByRole("alert")
      .getByText(said.profile_unreadable.message.replace("{path}", `${DOWNLOADS}/gone.txt`))
      .waitFor();
    assert.deepEqual(page.errors, []);
  });

  it("refuses another coordinator's profile; trusting them is an explicit choice with its own fingerprint", async () => {
    const page = await openSettings("&profile=1");
    await choose(page, OTHER);
    await panel(page).getByText(files.other_signer.message).waitFor();
    assert.equal(await page.locator("#profile-fingerprint").count(), 0);
    assert.equal(
      await panel(page)
        .getByRole("button", { name: /^Import/ })
        .count(),
      0,
    );

    await tabTo(page, page.getByLabel("Trust this new coordinator's key"));
    await page.keyboard.press("Space");
    await page.locator("#profile-fingerprint").waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "profile-fingerprint");
    // The old coordinator's fingerprint is not the new one's.
    await page.keyboard.type(COORDINATOR);
    await page.keyboard.press("Enter");
    await page
      .locator("#profile-fingerprint-error")
      .getByText(said.repin_fingerprint_wrong.message)
      .waitFor();
    assert.equal(await focusedId(page), "profile-fingerprint");
    assert.equal((await mockState(page)).profile.signer_fingerprint, COORDINATOR);

    await retype(page, NEW_COORDINATOR);
    await page.keyboard.press("Enter");
    await status(page).getByText(applied.repin.message).waitFor();
    const state = await mockState(page);
    assert.equal(state.profile.signer_fingerprint, NEW_COORDINATOR);
    assert.equal(state.settings.coordinator_key, keys.other.key);
    assert.deepEqual(page.errors, []);
  });

  it("keeps a key pasted by hand only with the fingerprint the coordinator reads out", async () => {
    const page = await openSettings("&volunteer");
    await page.getByText("Its fingerprint:").getByText(keys.coordinator.fingerprint).waitFor();
    await page.locator("#coordinator-key").focus();
    await retype(page, keys.other.key);
    await page.getByText("This key's fingerprint:").getByText(keys.other.fingerprint).waitFor();
    await page.getByLabel("Fingerprint your coordinator reads to you").waitFor();

    await page.keyboard.press("Enter");
    const error = page.locator("#coordinator-key-read-out-error");
    await error.getByText(keys.other.missing.message).waitFor();
    assert.equal(await focusedId(page), "coordinator-key-read-out");
    await page.locator('#coordinator-key-read-out[aria-invalid="true"]').waitFor();
    await page.keyboard.type(keys.coordinator.fingerprint);
    await page.keyboard.press("Enter");
    await error.getByText(keys.other.wrong.message).waitFor();
    assert.equal((await mockState(page)).settings.coordinator_key, keys.coordinator.key);

    await retype(page, keys.other.fingerprint.toLowerCase());
    await page.keyboard.press("Enter");
    await status(page).getByText("Settings saved.").waitFor();
    assert.equal((await mockState(page)).settings.coordinator_key, keys.other.key);
    await page.locator("#coordinator-key-read-out").waitFor({ state: "detached" });
    await page.getByText("Its fingerprint:").getByText(keys.other.fingerprint).waitFor();
    assert.deepEqual(page.errors, []);
  });
});

describe("profile: the coordinator", () => {
  it("names the helpline, exports the profile and is told the fingerprint to read out", async () => {
    const page = await openSettings("&coordinator");
    await page.getByText("Your profile fingerprint").waitFor();
    await tabTo(page, page.getByRole("button", { name: "Export profile…" }));
    await page.keyboard.press("Enter");
    // No name yet: Rust's refusal, at the name.
    await page.getByRole("alert").getByText(said.export_no_helpline.message).waitFor();
    assert.equal(await focusedId(page), "profile-helpline");
    await page.keyboard.type("Headteachers' Helpline");

    await page.locator("#profile-suppress").focus();
    await retype(page, "500");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText(said.suppress_below.message).waitFor();
    assert.equal(await focusedId(page), "profile-suppress");
    await retype(page, "7");
    await page.keyboard.press("Enter");
    await status(page).getByText("Helpline details saved.").waitFor();
    assert.equal((await mockState(page)).profile.suppress_below, 7);

    await tabTo(page, page.locator("#profile-export-path"));
    assert.equal(
      await page.locator("#profile-export-path").inputValue(),
      "/home/coordinator/Documents",
    );
    await retype(page, "Documents");
    await page.keyboard.press("Enter");
    const notFull = refusals.path_not_full.message
      .replaceAll("{typed}", "Documents")
      .replaceAll("{stem}", "quietline-profile-v1")
      .replaceAll("{extension}", "qlprofile");
    await page.locator("#profile-export-error").getByText(notFull).waitFor();
    assert.equal(await focusedId(page), "profile-export-path");
    await retype(page, "~/Documents");
    await page.keyboard.press("Enter");
    const done = status(page).filter({ hasText: `Saved version ${exported.first.version}` });
    await done.getByText(exported.first.path).waitFor();
    await done.getByText(exported.first.fingerprint, { exact: true }).waitFor();
    assert.deepEqual((await mockState(page)).profilesSaved, [exported.first.path]);

    // The Report offers the profile's smallest count.
    await goTo(page, "Report");
    await page.getByRole("heading", { name: "Annual report" }).waitFor();
    await page.waitForFunction(() => document.getElementById("suppress-k")?.value === "7");
    assert.deepEqual(page.errors, []);
  });

  it("makes version 2 from Quietline's 2025 list with a split and a rename, undoes, previews and publishes", async () => {
    const page = await openSettings("&coordinator");
    await page.locator("#profile-helpline").focus();
    await page.keyboard.type("Headteachers' Helpline");
    await page.keyboard.press("Enter");
    await status(page).getByText("Helpline details saved.").waitFor();
    await tabTo(page, page.getByRole("button", { name: "Edit the theme list" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Theme list editor" }).waitFor();
    await focusIn(page, "start-current");
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "start-shipped");
    await page.keyboard.press("Enter");
    await focusIn(page, "theme-find");
    const preview = page.getByRole("table", { name: "What changes from version 1" });
    await preview.waitFor();
    assert.equal(await preview.locator("tbody tr").count(), editor.drafts.shipped.changes.length);

    // A change Rust refuses is explained in the open panel.
    await page.keyboard.type("SEND and inclusion");
    await tabTo(page, page.getByRole("button", { name: "Add a subtheme to SEND and inclusion" }));
    await page.keyboard.press("Enter");
    await focusIn(page, "action-first");
    await page.getByRole("form", { name: "Add a subtheme to SEND and inclusion" }).waitFor();
    await page.keyboard.type("EHCP");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText(editor.refused_edits[0].error.message).waitFor();
    assert.equal(await focusedId(page), "action-first");
    await page.keyboard.press("Escape");
    await focusIn(page, "add-send");
    await page.locator("#theme-find").focus();

    // Split Social media: Escape first closes the panel where it opened.
    await retype(page, "social");
    await tabTo(page, page.getByRole("button", { name: "Split Social media" }));
    await page.keyboard.press("Enter");
    await focusIn(page, "action-first");
    await page.keyboard.press("Escape");
    await focusIn(page, "split-parents.social_media");
    await page.keyboard.press("Enter");
    await focusIn(page, "action-first");
    await page.keyboard.type("Online abuse");
    assert.equal(await page.locator("#part-id-0").inputValue(), "online_abuse");
    await page.keyboard.press("Enter");
    await status(page).getByText("Split “Social media”").waitFor();
    const splitRow = editor.drafts.split.changes.find((c) =>
      c.from.some((f) => f.id === "parents.social_media"),
    );
    await preview.getByRole("row").filter({ hasText: splitRow.comparison }).waitFor();
    assert.equal(await focusedId(page), "split-parents.social_media");

    // Rename RAAC, label and description.
    const rename = async () => {
      await page.locator("#theme-find").focus();
      await retype(page, "raac");
      await tabTo(page, page.getByRole("button", { name: "Rename RAAC", exact: true }));
      await page.keyboard.press("Enter");
      await focusIn(page, "action-first");
      assert.equal(await page.locator("#action-first").inputValue(), "RAAC");
      await retype(page, "RAAC and unsafe buildings");
      await page.keyboard.press("Tab");
      await retype(page, "Reinforced concrete and other unsafe structures");
      await page.keyboard.press("Enter");
      await status(page).getByText("Renamed “RAAC” to “RAAC and unsafe buildings”.").waitFor();
    };
    await rename();
    const renamedRow = editor.drafts.rename.changes.find((c) => c.kind === "renamed");
    const renamed = preview.getByRole("row").filter({ hasText: renamedRow.comparison });
    await renamed.waitFor();
    await renamed.getByText(String(renamedRow.last_year_calls), { exact: true }).waitFor();

    // Undo goes back to the draft before; the rename can be made again.
    await page.getByRole("button", { name: "Undo the last change" }).focus();
    await page.keyboard.press("Enter");
    await status(page).getByText("Undone").waitFor();
    await renamed.waitFor({ state: "detached" });
    await rename();
    await renamed.waitFor();

    // Publish, after a confirmation that Escape takes back.
    await tabTo(page, page.getByRole("button", { name: "Publish version 2" }));
    await page.keyboard.press("Enter");
    await page.getByText("Publish theme list version 2?").waitFor();
    assert.equal(await focusedId(page), "publish-yes");
    await page.keyboard.press("Escape");
    await focusIn(page, "publish");
    await page.keyboard.press("Enter");
    await focusIn(page, "publish-yes");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Theme list version 2 is published" }).waitFor();
    assert.equal(await focusedId(page), "published-export");
    assert.equal((await mockState(page)).profile.theme_list_version, 2);

    // Then export the profile that carries it.
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    await focusIn(page, "profile-export-path");
    await page.keyboard.press("Enter");
    await status(page).getByText(exported.published.path).waitFor();
    assert.deepEqual(page.errors, []);
  });

  it("asks before leaving a draft with changes", async () => {
    const page = await openSettings("&coordinator");
    await page.locator("#profile-themes").focus();
    await page.keyboard.press("Enter");
    await focusIn(page, "start-current");
    await page.locator("#start-shipped").focus();
    await page.keyboard.press("Enter");
    await focusIn(page, "theme-find");
    await page.keyboard.type("social");
    await tabTo(page, page.getByRole("button", { name: "Split Social media" }));
    await page.keyboard.press("Enter");
    await focusIn(page, "action-first");
    await page.keyboard.type("Online abuse");
    await page.keyboard.press("Enter");
    await status(page).getByText("Split “Social media”").waitFor();

    await goTo(page, "Calls");
    const dialog = page.getByRole("alertdialog", { name: "Leave the draft?" });
    await dialog.waitFor();
    assert.equal(await focusedId(page), "leave-stay");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("heading", { name: "Theme list editor" }).waitFor();
    await goTo(page, "Calls");
    await dialog.getByRole("button", { name: "Leave and lose the draft" }).click();
    await page.getByRole("heading", { name: "Calls", exact: true }).waitFor();
    assert.deepEqual(page.errors, []);
  });
});

describe("profile: a call logged under an older theme list", () => {
  it("says so, shows its themes as they were named, and is described with the theme box", async () => {
    const page = await openPage("?store=unlocked&calls=1&profile=2");
    await goTo(page, "Calls");
    const row = page.getByRole("row").filter({ hasText: "Mon 2 Nov 2026" });
    await row.getByRole("button", { name: /^Open/ }).click();
    const note = page.locator("#themes-note");
    await note.getByText("Logged under theme list version 1").waitFor();
    await note.getByText("Changing its themes files it under the current list.").waitFor();
    assert.match(await page.locator("#themes").getAttribute("aria-describedby"), /themes-note/);
    await page.getByRole("list", { name: "Chosen themes" }).getByText("EHCPs").waitFor();
    assert.deepEqual(page.errors, []);
  });
});

describe("profile: accessibility", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe with each new panel showing (${colorScheme})`, async () => {
      // A first import with a refused fingerprint.
      let page = await openSettings("", { colorScheme });
      await choose(page, FIRST);
      await page.locator("#profile-fingerprint").focus();
      await page.keyboard.type("AAAA");
      await page.keyboard.press("Enter");
      await page.locator("#profile-fingerprint-error").waitFor();
      await assertAccessible(page, `first import, ${colorScheme}`);

      // A new coordinator's file, trusted, and a pasted key to confirm.
      page = await openSettings("&profile=1", { colorScheme });
      await choose(page, OTHER);
      await page.locator("#profile-repin").check();
      await page.locator("#profile-fingerprint").waitFor();
      await page.locator("#coordinator-key").fill(keys.other.key);
      await page.getByText("This key's fingerprint:").waitFor();
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.locator("#coordinator-key-read-out-error").waitFor();
      await assertAccessible(page, `new coordinator and pasted key, ${colorScheme}`);

      // The coordinator's section after an export, and the editor.
      page = await openSettings("&coordinator", { colorScheme });
      await page.locator("#profile-helpline").fill("Headteachers' Helpline");
      await page.getByRole("button", { name: "Save the helpline details" }).click();
      await status(page).getByText("Helpline details saved.").waitFor();
      await page.getByRole("button", { name: "Export profile…" }).click();
      await status(page).getByText(exported.first.path).waitFor();
      await assertAccessible(page, `coordinator's profile, ${colorScheme}`);

      await page.locator("#profile-themes").click();
      await page.locator("#start-shipped").waitFor();
      await assertAccessible(page, `editor start, ${colorScheme}`);
      await page.locator("#start-shipped").click();
      await page.locator("#theme-find").fill("send");
      await page.getByRole("button", { name: "Add a subtheme to SEND and inclusion" }).click();
      await page.keyboard.type("EHCP");
      await page.keyboard.press("Enter");
      await page.locator("#action-error").waitFor();
      await assertAccessible(page, `editor with a refused change, ${colorScheme}`);
      await page.keyboard.press("Escape");
      await page.locator("#theme-find").fill("social");
      await page.getByRole("button", { name: "Split Social media" }).click();
      await assertAccessible(page, `editor splitting, ${colorScheme}`);
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Merge Social media" }).click();
      await assertAccessible(page, `editor merging, ${colorScheme}`);
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Publish version 2" }).click();
      await assertAccessible(page, `editor publishing, ${colorScheme}`);
      assert.deepEqual(page.errors, []);
    });
  }

  it("fits the editor and the profile in a 640-pixel window (200% zoom) without sideways scrolling", async () => {
    const page = await openSettings("&coordinator", { viewport: { width: 640, height: 700 } });
    await page.locator("#profile-themes").waitFor();
    assert.ok((await sidewaysScroll(page)) <= 0, "Settings scrolls sideways");
    await page.locator("#profile-themes").click();
    await page.locator("#start-shipped").click();
    await page.locator("#theme-find").waitFor();
    assert.ok((await sidewaysScroll(page)) <= 0, "the editor scrolls sideways");
    await assertAccessible(page, "editor at 640 pixels");
  });
});
