// The app's screens in a real browser (Debian's chromium), keyboard first,
// against the in-memory backend. axe-core checks every screen.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertAccessible, useMockApp } from "./harness.mjs";

/** Rust's words, as the stand-in backend answers with them. */
const fixture = (name) =>
  JSON.parse(readFileSync(new URL(`../../src/lib/testing/${name}`, import.meta.url), "utf8"));
const refusals = fixture("refusals.json");
const passphrases = fixture("passphrases.json");

const openPage = useMockApp();

/** A fresh page whose mock backend starts in `store` state. */
function open(store, { calls = false, ...options } = {}) {
  return openPage(`?store=${store}${calls ? "&calls=1" : ""}`, options);
}

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

async function press(page, ...keys) {
  for (const k of keys) await page.keyboard.press(k);
}

describe("first run", () => {
  it("creates a store, shows the recovery key once and checks it was written down", async () => {
    const page = await open("none");
    await page.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    await assertAccessible(page, "create");

    await page.getByLabel("New passphrase").fill("kettle morning oxbow lantern");
    await page.getByText("Strong.").waitFor();
    await page.getByLabel("Type it again").fill("kettle morning oxbow lantren");
    await page.getByRole("button", { name: "Create my call log" }).click();
    await page.getByRole("alert").getByText("The two passphrases are different").waitFor();

    await page.getByLabel("Type it again").fill("kettle morning oxbow lantern");
    await page.getByRole("button", { name: "Create my call log" }).click();
    await page.getByRole("heading", { name: "Write down your recovery key" }).waitFor();
    const key = await page.locator("#recovery-key-shown").innerText();
    // Eight groups of four, and the check character that catches a typo.
    assert.match(key.trim().replace(/\s+/g, "-"), /^([A-Z0-9]{4}-){8}[A-Z0-9]$/);
    await assertAccessible(page, "recovery key");

    await page.getByLabel("To check, type the last group of four").fill("ZZZZ");
    await page.getByRole("button", { name: "I have written it down" }).click();
    await page.getByRole("alert").getByText("not the last group").waitFor();
    await page
      .getByLabel("To check, type the last group of four")
      .fill(key.trim().split(/\s+/).at(-2).toLowerCase());
    await page.getByRole("button", { name: "I have written it down" }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    assert.deepEqual(page.errors, []);
  });

  it("opens the demo store without touching the volunteer's store", async () => {
    const page = await open("none");
    await page.getByRole("button", { name: "Open the demo call log" }).click();
    await page.getByRole("complementary", { name: "Demo call log" }).waitFor();
    await page.getByRole("button", { name: "Calls" }).click();
    await page.getByText("3 calls.").waitFor();
    assert.equal((await mockState(page)).exists, false);
  });
});

describe("choosing a passphrase", () => {
  it("refuses a weak passphrase in Rust's words and takes a suggested one", async () => {
    const page = await open("none");
    await page.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    const weak = passphrases.verdicts["password123"];
    await page.getByLabel("New passphrase").fill("password123");
    await page.getByText(`${weak.label}.`).waitFor();
    await page.getByText(weak.advice).waitFor();
    await page.getByLabel("Type it again").fill("password123");
    await page.getByRole("button", { name: "Create my call log" }).click();
    await page.getByRole("alert").getByText(refusals.passphrase_weak.message).waitFor();
    assert.equal((await mockState(page)).exists, false);
    await assertAccessible(page, "a weak passphrase refused");

    // Nearly there is still not enough: only "Strong" is accepted.
    const nearly = passphrases.verdicts["kettle morning ox"];
    assert.equal(nearly.acceptable, false);
    await page.getByLabel("New passphrase").fill("kettle morning ox");
    await page.getByText(nearly.advice).waitFor();

    await page.getByRole("button", { name: "Suggest a passphrase" }).click();
    const suggested = passphrases.suggestion.passphrase;
    await page.getByRole("button", { name: "Use this passphrase" }).click();
    await page.getByText("Strong.").waitFor();
    await page.getByLabel("Type it again").fill(suggested);
    await page.getByRole("button", { name: "Create my call log" }).click();
    await page.getByRole("heading", { name: "Write down your recovery key" }).waitFor();
    const state = await mockState(page);
    assert.equal(state.passphrase, suggested);
    assert.ok(state.log.includes("suggest_passphrase"));
  });
});

describe("unlock", () => {
  it("explains a wrong passphrase and unlocks with the right one", async () => {
    const page = await open("locked");
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await assertAccessible(page, "unlock");
    await page.keyboard.type("not my passphrase");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Unlocking").waitFor();
    await page.getByRole("alert").getByText("does not unlock this call log").waitFor();
    await page.getByLabel("Passphrase").fill("correct horse battery staple");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
  });

  it("recovers with the recovery key and a suggested passphrase, after catching a typo", async () => {
    const page = await open("locked");
    await page.getByRole("button", { name: /recovery key/ }).click();
    // One character wrong: the check character catches it.
    await page
      .getByLabel("Recovery key", { exact: true })
      .fill("gcku in46 p5oe mrmk fzoz 6oqq d6ov dxhf t");
    await page.getByRole("button", { name: "Suggest a passphrase" }).click();
    const suggested = passphrases.suggestion.passphrase;
    await page.getByText(suggested).waitFor();
    await page.getByText(passphrases.suggestion.advice).waitFor();
    await assertAccessible(page, "recover with a suggestion");
    await page.getByRole("button", { name: "Use this passphrase" }).click();
    assert.equal(await page.getByLabel("New passphrase", { exact: true }).inputValue(), suggested);
    await page.getByText("Strong.").waitFor();
    await page.getByLabel("Type the new passphrase again").fill(suggested);
    await page.getByRole("button", { name: "Recover and unlock" }).click();
    await page.getByRole("alert").getByText(refusals.recovery_key_mistyped.message).waitFor();

    await page
      .getByLabel("Recovery key", { exact: true })
      .fill("gcku in46 p5oe mrmk fzoz 6oqq d6ov dxhe t");
    await page.getByRole("button", { name: "Recover and unlock" }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    assert.equal((await mockState(page)).passphrase, suggested);
  });

  it("still takes a recovery key written down before it had a check character", async () => {
    const page = await open("locked");
    await page.getByRole("button", { name: /recovery key/ }).click();
    await page
      .getByLabel("Recovery key", { exact: true })
      .fill("gcku in46 p5oe mrmk fzoz 6oqq d6ov dxhe");
    await page.getByLabel("New passphrase", { exact: true }).fill("kettle morning oxbow lantern");
    await page.getByLabel("Type the new passphrase again").fill("kettle morning oxbow lantern");
    await page.getByRole("button", { name: "Recover and unlock" }).click();
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
  });
});

describe("log a call", () => {
  it("can be filled and saved from the keyboard alone", async () => {
    const page = await open("unlocked");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await assertAccessible(page, "log a call");

    await page.locator("#duration").focus();
    await page.keyboard.type("25");
    await press(page, "Tab");
    await page.keyboard.type("head");
    await press(page, "Enter", "Tab");
    await page.keyboard.type("prim");
    await press(page, "Enter", "Tab");
    await press(page, "Tab");
    await page.keyboard.type("north w");
    await press(page, "Enter");
    await page.locator("#themes").focus();
    await page.keyboard.type("ofsted");
    await press(page, "Enter");
    await page.keyboard.type("workload");
    await press(page, "Enter");
    await page.getByText("Main", { exact: true }).waitFor();

    await page.locator("#risk-none").focus();
    await press(page, "ArrowRight", "ArrowRight", "ArrowRight");
    await page.getByRole("heading", { name: "Safeguarding" }).waitFor();
    await assertAccessible(page, "safeguarding panel");
    await page.getByLabel("Asked directly about suicide").focus();
    await press(page, "Space");
    await page.getByLabel(/Samaritans/).check();
    await page.locator("#notes").focus();
    await page.keyboard.type("Synthetic: talked through the inspection.");
    await press(page, "Control+Enter");
    await page
      .getByRole("status")
      .getByText(/^Call logged at \d\d:\d\d\.$/)
      .waitFor();

    const state = await mockState(page);
    assert.equal(state.calls.length, 1);
    const form = state.calls[0].form;
    assert.equal(form.role, "headteacher");
    assert.equal(form.setting, "primary");
    assert.equal(form.region, "north_west");
    assert.equal(form.duration_minutes, "25");
    assert.deepEqual(form.themes, ["inspection.ofsted", "wellbeing.workload"]);
    assert.equal(form.risk, "high");
    assert.equal(form.safeguarding.asked_directly_about_suicide, true);
    assert.deepEqual(form.safeguarding.signposted, ["Samaritans 116 123"]);
    assert.equal(state.draft, null, "saving discards the draft");
    assert.equal(
      await page.locator("#notes").inputValue(),
      "",
      "the form clears for the next call",
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), "timer");
  });

  it("puts the cursor on the field that needs an answer", async () => {
    const page = await open("unlocked");
    await page.locator("#duration").fill("12");
    await press(page, "Control+Enter");
    await page.getByRole("alert").getByText("Choose the caller's role").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "role");
  });

  it("logs a short outcome with one chord", async () => {
    const page = await open("unlocked");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await press(page, "Alt+2");
    await page
      .getByRole("status")
      .getByText(/^Hang-up logged at \d\d:\d\d\.$/)
      .waitFor();
    const state = await mockState(page);
    assert.equal(state.calls[0].form.call_type, "hang_up");
  });

  it("times the call and fills the length", async () => {
    const page = await open("unlocked");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await press(page, "Alt+t");
    await page.getByRole("button", { name: "Stop timer" }).waitFor();
    await press(page, "Alt+t");
    assert.equal(await page.locator("#duration").inputValue(), "1");
  });

  it("keeps the draft through a lock and restores it on unlock", async () => {
    const page = await open("unlocked");
    await page.locator("#notes").fill("Synthetic: half-typed when the lock came");
    await press(page, "Control+Shift+L");
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    const locked = await mockState(page);
    assert.equal(locked.unlocked, false);
    assert.equal(locked.draft.notes, "Synthetic: half-typed when the lock came");
    assert.equal(
      await page.getByText("half-typed").count(),
      0,
      "nothing decrypted stays on screen",
    );

    await page.getByLabel("Passphrase").fill("correct horse battery staple");
    await press(page, "Enter");
    await page.getByText("has been restored").waitFor();
    assert.equal(
      await page.locator("#notes").inputValue(),
      "Synthetic: half-typed when the lock came",
    );
  });

  it("returns to the unlock screen when the backend locks after idle time", async () => {
    const page = await open("unlocked");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    await page.evaluate(() => window.quietlineMock.lockFromBackend());
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
  });
});

describe("calls", () => {
  it("lists calls, shows due follow-ups, edits and deletes with confirmation", async () => {
    const page = await open("unlocked", { calls: true });
    await page.getByRole("button", { name: "Calls", exact: true }).click();
    await page.getByText("3 calls.").waitFor();
    await assertAccessible(page, "calls");

    await page.getByRole("button", { name: "1 follow-up due" }).click();
    await page.getByText("1 call.").waitFor();
    await page.getByRole("button", { name: /Open the call of Mon 2 Nov 2026/ }).click();
    await page.getByRole("heading", { name: /Call logged/ }).waitFor();
    await assertAccessible(page, "edit call");
    await page.getByLabel("Done").check();
    await press(page, "Control+Enter");
    await page.getByRole("status").getByText("Changes saved.").waitFor();
    const edited = (await mockState(page)).calls.find((c) =>
      c.form.started_at.startsWith("2026-11-02"),
    );
    assert.equal(edited.form.follow_up_done, true);

    await page.getByLabel("Follow-up due").uncheck();
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByText("3 calls.").waitFor();
    await page.getByRole("button", { name: /Open the call of Tue 10 Nov 2026/ }).click();
    await page.getByRole("button", { name: "Delete call…" }).click();
    await page.getByRole("button", { name: "Keep it" }).click();
    await page.getByRole("button", { name: "Delete call…" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.getByText("Call deleted.").waitFor();
    assert.equal((await mockState(page)).calls.length, 2);
  });
});

describe("settings", () => {
  it("refuses an impossible idle time, saves a good one, and checks the passphrase", async () => {
    const page = await open("unlocked");
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await assertAccessible(page, "settings");
    await page.getByLabel("Lock after this many idle minutes").fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("alert").getByText("between 1 and 60").waitFor();
    await page.getByLabel("Lock after this many idle minutes").fill("10");
    await page.getByLabel("Your display name").fill("Volunteer A");
    await page.getByRole("button", { name: "Add an entry" }).click();
    await page.locator("#sp-name-4").fill("Local crisis line");
    await page.locator("#sp-contact-4").fill("0800 000 0000");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").getByText("Settings saved.").waitFor();
    const s = (await mockState(page)).settings;
    assert.equal(s.idle_lock_minutes, 10);
    assert.equal(s.signposting.length, 5);

    await page.getByLabel("Current passphrase").fill("wrong");
    await page.getByLabel("New passphrase", { exact: true }).fill("another long passphrase");
    await page.getByLabel("Type the new passphrase again").fill("another long passphrase");
    await page.getByRole("button", { name: "Change passphrase" }).click();
    await page.getByRole("alert").waitFor();
    assert.equal(await page.getByLabel("Current passphrase").getAttribute("aria-invalid"), "true");
  });
});

describe("every screen", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe in ${colorScheme} mode and fits a 200% zoom without sideways scrolling`, async () => {
      // 200% zoom on a 1280-pixel window leaves a 640-pixel layout viewport.
      const page = await open("unlocked", {
        calls: true,
        colorScheme,
        viewport: { width: 640, height: 800 },
      });
      for (const [nav, heading] of [
        ["Log a call", "Log a call"],
        ["Calls", "Calls"],
        ["Report", "Annual report"],
        ["Returns", "Returns"],
        ["Settings", "Settings"],
      ]) {
        await page.getByRole("button", { name: nav, exact: true }).click();
        await page.getByRole("heading", { name: heading, exact: true }).waitFor();
        if (nav === "Log a call") await page.locator("#risk-imminent").check();
        await assertAccessible(page, `${nav} (${colorScheme})`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `${nav} scrolls sideways by ${overflow}px at 200% zoom`);
      }
    });
  }
});
