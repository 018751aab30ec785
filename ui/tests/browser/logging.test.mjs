// Logging calls mid-shift: nothing doubled, nothing lost, no one-key slips
// (issue 11). Against the in-memory backend, which keeps the same draft
// generations as the real one; the real app is driven under load in e2e.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAccessible, focusedId, useMockApp } from "./harness.mjs";

const openPage = useMockApp();
const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

async function openLog(options = {}) {
  const page = await openPage("?store=unlocked", options);
  await page.getByRole("heading", { name: "Log a call" }).waitFor();
  return page;
}

async function halfWrittenCall(page) {
  await page.locator("#role").focus();
  await page.keyboard.type("head");
  await page.keyboard.press("Enter");
  await page.getByLabel("High", { exact: true }).check();
  await page.locator("#notes").fill("Synthetic: the caller was talking about the inspection");
}

/** Answers every question a call must answer, leaving the cursor in the theme box. */
async function everythingButTheSnag(page) {
  await page.locator("#duration").fill("10");
  for (const [id, typed] of [
    ["role", "head"],
    ["setting", "prim"],
    ["region", "london"],
    ["themes", "ofsted"],
  ]) {
    await page.locator(`#${id}`).focus();
    await page.keyboard.type(typed);
    await page.keyboard.press("Enter");
  }
}

describe("one-key short calls", () => {
  it("ask before turning a half-written call into a hang-up, and Escape keeps it", async () => {
    const page = await openLog();
    await halfWrittenCall(page);
    await page.keyboard.press("Alt+2");
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    assert.equal(await focusedId(page), "confirm-yes", "Enter confirms");
    await assertAccessible(page, "short-call question");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal((await mockState(page)).calls.length, 0);
    assert.equal(
      await page.locator("#notes").inputValue(),
      "Synthetic: the caller was talking about the inspection",
    );
  });

  it("log only the time and length when confirmed, and Undo brings the call back", async () => {
    const page = await openLog();
    await halfWrittenCall(page);
    await page.keyboard.press("Alt+2");
    await page.getByRole("alertdialog").waitFor();
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .getByText(/^Hang-up logged at \d\d:\d\d\.$/)
      .waitFor();
    let state = await mockState(page);
    assert.equal(state.calls.length, 1);
    const hangUp = state.calls[0].form;
    assert.equal(hangUp.call_type, "hang_up");
    assert.equal(hangUp.notes, "", "a hang-up carries no notes");
    assert.equal(hangUp.risk, "none", "nor the risk");
    assert.equal(hangUp.role, "", "nor who rang");
    assert.equal(
      await page.locator("#notes").inputValue(),
      "",
      "the form is ready for the next call",
    );

    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByText("Taken back").waitFor();
    state = await mockState(page);
    assert.equal(state.calls.length, 0, "Undo deletes the call");
    assert.equal(
      await page.locator("#notes").inputValue(),
      "Synthetic: the caller was talking about the inspection",
    );
    assert.equal(
      state.draft?.notes,
      "Synthetic: the caller was talking about the inspection",
      "and keeps the form as the draft",
    );
    assert.notEqual(state.draft.id, hangUp.id, "under a new id");
  });

  it("log at once from an empty form", async () => {
    const page = await openLog();
    await page.keyboard.press("Alt+1");
    await page
      .getByRole("status")
      .getByText(/^Silent call logged at/)
      .waitFor();
    assert.equal(await page.getByRole("alertdialog").count(), 0);
  });
});

describe("accessibility of the new states", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe with the short-call question, the Undo message and a field's message (${colorScheme})`, async () => {
      const page = await openLog({ colorScheme });
      await halfWrittenCall(page);
      await page.keyboard.press("Alt+3");
      await page.getByRole("alertdialog").waitFor();
      await assertAccessible(page, `short-call question (${colorScheme})`);
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Undo" }).waitFor();
      await assertAccessible(page, `Undo message (${colorScheme})`);
      await page.keyboard.press("Control+Enter");
      await page.locator("p[role=alert]").waitFor();
      await assertAccessible(page, `a message about a field (${colorScheme})`);
    });
  }
});

describe("saving", () => {
  it("never brings a saved call back as a restored draft", async () => {
    const page = await openLog();
    await page.locator("#duration").fill("12");
    await page.keyboard.press("Alt+4");
    await page
      .getByRole("status")
      .getByText(/logged at/)
      .waitFor();
    // The draft write the edit queued (400 ms) lands after the save.
    await page.waitForTimeout(700);
    assert.equal((await mockState(page)).draft, null);
    await page.getByRole("button", { name: "Calls", exact: true }).click();
    await page.getByRole("button", { name: "Log a call", exact: true }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    assert.equal(await page.getByText("has been restored").count(), 0);
  });

  it("clears a message as soon as its field is answered", async () => {
    const page = await openLog();
    await page.locator("#duration").fill("12");
    await page.keyboard.press("Control+Enter");
    const alert = page.getByRole("alert").getByText("Choose the caller's role");
    await alert.waitFor();
    await page.keyboard.type("head");
    await page.keyboard.press("Enter");
    await alert.waitFor({ state: "detached" });
  });

  it("clears an empty form at once and leaves no draft; a filled one only after asking", async () => {
    const page = await openLog();
    await page.locator("#notes").fill("Synthetic: to be cleared");
    await page.waitForTimeout(600);
    assert.equal((await mockState(page)).draft?.notes, "Synthetic: to be cleared");
    await page.getByRole("button", { name: "Clear form" }).click();
    await page.getByRole("alertdialog").getByText("Clear this form?").waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("alertdialog").waitFor({ state: "detached" });
    assert.equal(await page.locator("#notes").inputValue(), "");
    await page.waitForTimeout(600);
    assert.equal((await mockState(page)).draft, null, "no empty draft left behind");
    await page.getByRole("button", { name: "Calls", exact: true }).click();
    await page.getByRole("button", { name: "Log a call", exact: true }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    assert.equal(await page.getByText("has been restored").count(), 0);
  });
});

describe("pickers on a slow laptop", () => {
  it("keep what is typed after the cursor leaves and comes straight back", async () => {
    const page = await openLog();
    // Leaving starts the picker's close-up; coming back must cancel it,
    // or it wipes the letters typed since (seen as a role lost on a lock).
    await page.evaluate(() => {
      const role = document.getElementById("role");
      role.focus();
      role.blur();
      role.focus();
    });
    await page.keyboard.type("de");
    await page.waitForTimeout(300);
    assert.equal(
      await page.locator("#role").inputValue(),
      "de",
      "the letters typed stay in the box",
    );
    await page.keyboard.type("p");
    await page.keyboard.press("Tab");
    assert.equal(await page.locator("#role").inputValue(), "Deputy or assistant head");
  });
});

describe("themes", () => {
  it("never drop text left in the theme box: saving stops and says so", async () => {
    const page = await openLog();
    await everythingButTheSnag(page);
    await page.keyboard.type("zzzq");
    await page.keyboard.press("Control+Enter");
    await page.locator("p[role=alert]").getByText("'zzzq'").waitFor();
    assert.equal(await focusedId(page), "themes");
    assert.equal(await page.locator("#themes").inputValue(), "zzzq", "the text stays in the box");
    assert.equal((await mockState(page)).calls.length, 0);
  });
});

describe("follow-ups", () => {
  it("take a quick choice, and a half-typed date is refused naming the field", async () => {
    const page = await openLog({ clock: new Date("2026-12-02T10:00:00Z") });
    await page.getByRole("button", { name: "In a week" }).click();
    assert.equal(await page.locator("#follow-up-due").inputValue(), "Wed 9 Dec 2026");
    assert.equal(await page.locator("#follow-up-needed").isChecked(), true);
    assert.equal(
      await page.locator("#follow-up-due").getAttribute("placeholder"),
      null,
      "no grey date that looks filled in",
    );

    await page.locator("#follow-up-due").fill("8/");
    await everythingButTheSnag(page);
    await page.keyboard.press("Control+Enter");
    await page.getByRole("alert").waitFor();
    assert.equal(await focusedId(page), "follow-up-due");
    assert.equal((await mockState(page)).calls.length, 0);
    assert.equal(await page.locator("#follow-up-due").getAttribute("aria-invalid"), "true");
  });
});

describe("the call timer", () => {
  it("sets Started when it starts, and carries on through a lock", async () => {
    const page = await openLog({ clock: new Date("2026-12-02T10:00:00Z") });
    assert.equal(await focusedId(page), "timer", "no call yet: the cursor is on the timer");
    await page.clock.fastForward("20:00");
    await page.keyboard.press("Alt+t");
    await page.getByRole("button", { name: "Stop timer" }).waitFor();
    assert.equal(await page.locator("#started-at").inputValue(), "Wed 2 Dec 2026 10:20");
    assert.equal(
      await focusedId(page),
      "role",
      "a call is under way: the cursor is on the caller's role",
    );
    await page.waitForTimeout(100);
    assert.ok(
      (await mockState(page)).draft?.timer_started_ms,
      "the running timer is in the draft at once",
    );

    await page.keyboard.press("Control+Shift+L");
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await page.clock.fastForward("05:00");
    await page.getByLabel("Passphrase").fill("correct horse battery staple");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Stop timer" }).waitFor();
    assert.equal(await focusedId(page), "role");
    await page.clock.fastForward("02:00");
    await page.keyboard.press("Alt+t");
    assert.equal(await page.locator("#duration").inputValue(), "7");
  });

  it("without the timer, Started is the first edit, not when the form opened", async () => {
    const page = await openLog({ clock: new Date("2026-12-02T10:00:00Z") });
    assert.equal(await page.locator("#started-at").inputValue(), "Wed 2 Dec 2026 10:00");
    await page.clock.fastForward("35:00");
    await page.locator("#notes").fill("Synthetic: a caller");
    await page.waitForFunction(
      () => document.querySelector("#started-at")?.value === "Wed 2 Dec 2026 10:35",
    );
  });
});

describe("the idle lock", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`warns 30 seconds ahead and any key keeps it unlocked (${colorScheme})`, async () => {
      const page = await openLog({ colorScheme });
      await page.evaluate(() => window.quietlineMock.lockingSoon(30));
      const warning = page.getByRole("alert").getByText(/Locking in \d+ s/);
      await warning.waitFor();
      await assertAccessible(page, `idle warning (${colorScheme})`);
      await page.keyboard.press("Shift");
      await warning.waitFor({ state: "detached" });
      assert.ok((await mockState(page)).log.includes("still_here"));
    });
  }
});
