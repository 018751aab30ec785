// Issue 11, "Shift-proof call logging": a volunteer on the phone types
// where the cursor is, never loses settings unnoticed, reads dates and words
// they know, and sees the whole app on a 1366×768 laptop, at 200% text too.
// Against the in-memory backend in Debian's chromium, keyboard first;
// axe-core checks each new state in light and dark.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAccessible, goTo, inViewport, sidewaysScroll, useMockApp } from "./harness.mjs";

const openPage = useMockApp();

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());
const LAPTOP = { width: 1366, height: 768 };
/** The laptop's window once panels and the title bar have their share. */
const WINDOW = { width: 1366, height: 700 };
/** 200% zoom on the laptop: half as many CSS pixels each way. */
const ZOOMED = { width: 683, height: 384 };

/** Chooses a screen from the menu with the keyboard, as a volunteer would. */
/** Waits until the element with `id` has the focus; fails saying where it is. */
async function waitForFocus(page, id, why) {
  try {
    await page.waitForFunction((want) => document.activeElement?.id === want, id, {
      timeout: 3000,
    });
  } catch {
    assert.fail(`${why}: the focus is on ${await describeFocus(page)}, not #${id}`);
  }
}

const describeFocus = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el
      ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} “${(el.textContent ?? "").trim().slice(0, 30)}”`
      : "nothing";
  });

async function unlock(page) {
  await page.getByRole("heading", { name: "Unlock" }).waitFor();
  await page.getByLabel("Passphrase", { exact: true }).fill("correct horse battery staple");
  await page.keyboard.press("Enter");
}

describe("1. the cursor is where typing goes", () => {
  it("lands in the first field of every screen chosen from the menu", async () => {
    const page = await openPage("?store=unlocked&calls=1");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    for (const [screen, field] of [
      ["Calls", "filter-from"],
      ["Report", "report-year"],
      ["Returns", "return-year"],
      ["Settings", "display-name"],
      ["Calls", "filter-from"],
    ]) {
      await goTo(page, screen);
      await waitForFocus(page, field, screen);
    }
    // Typing goes into the field: the report's year, replaced at once.
    await goTo(page, "Report");
    await waitForFocus(page, "report-year", "Report");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("2024");
    assert.equal(await page.locator("#report-year").inputValue(), "2024");
    assert.deepEqual(page.errors, []);
  });

  it("takes a coordinator's Returns screen to its first field, the path of a return", async () => {
    const page = await openPage("?store=unlocked&volunteer=1&coordinator=1");
    await goTo(page, "Returns");
    await waitForFocus(page, "return-file-path", "coordinator's Returns");
  });

  it("puts the cursor in the Log a call screen on unlock: its marked field, or its heading until there is one", async () => {
    const page = await openPage("?store=locked");
    await unlock(page);
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
    const where = await page
      .waitForFunction(
        () => {
          const el = document.activeElement;
          const main = document.querySelector("main");
          if (!el || !main?.contains(el)) return null;
          const first = main.querySelector("[data-autofocus]");
          return first ? (el === first ? "field" : null) : el.tagName === "H1" ? "heading" : null;
        },
        null,
        { timeout: 3000 },
      )
      .then(
        (h) => h.jsonValue(),
        async () => assert.fail(`on unlock the focus is on ${await describeFocus(page)}`),
      );
    assert.ok(where === "field" || where === "heading");
    // Choosing a screen from the menu after unlocking works the same way.
    await goTo(page, "Settings");
    await waitForFocus(page, "display-name", "Settings after unlock");
  });

  it("lands in the set-up passphrase, the unlock passphrase and the recovery key fields on the start screen", async () => {
    const first = await openPage("?store=none");
    await first.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    await waitForFocus(first, "new-passphrase", "set-up");

    const locked = await openPage("?store=locked");
    await locked.getByRole("heading", { name: "Unlock" }).waitFor();
    await waitForFocus(locked, "passphrase", "unlock");
    await locked.getByRole("button", { name: /recovery key/ }).press("Enter");
    await waitForFocus(locked, "recovery-key", "recover");
    await locked.getByRole("button", { name: "Back to unlock" }).press("Enter");
    await waitForFocus(locked, "passphrase", "back to unlock");
  });
});

/** Edits the display name on the Settings screen, leaving it unsaved. */
async function editSettings(page, name = "Robin") {
  await goTo(page, "Settings");
  await page.locator("#display-name").focus();
  await page.keyboard.type(name);
}

const leaveDialog = (page) => page.getByRole("alertdialog", { name: "Save your settings?" });

describe("2. settings are never lost silently", () => {
  it("keeps Save and its confirmation in view on a 1366×768 laptop, wherever the screen is scrolled", async () => {
    const page = await openPage("?store=unlocked", { viewport: WINDOW });
    await goTo(page, "Settings");
    const save = page.getByRole("button", { name: "Save settings" });
    await save.waitFor();
    assert.ok(await inViewport(save), "Save settings is below the fold");
    await page.locator("#sp-contact-3").press("End");
    await page.keyboard.type(" (free)");
    assert.ok(await inViewport(save), "Save settings scrolled away from the last signpost");
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    assert.ok(await inViewport(save), "Save settings is not in view at the bottom");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press("Enter");
    const said = page.getByRole("status").getByText("Settings saved.");
    await said.waitFor();
    assert.ok(await inViewport(said), "the confirmation is out of view");
    assert.ok(await inViewport(save));
    assert.equal((await mockState(page)).settings.signposting[3].contact, "999 (free)");
  });

  it("asks before another screen is chosen with unsaved changes: Escape stays, Discard leaves, Save saves", async () => {
    const page = await openPage("?store=unlocked&calls=1");
    await editSettings(page);

    // Stay: Escape, and nothing typed is lost.
    await goTo(page, "Calls");
    await leaveDialog(page).waitFor();
    await leaveDialog(page).getByText("You have changed settings that are not saved.").waitFor();
    await waitForFocus(page, "leave-save", "the first choice");
    await page.keyboard.press("Escape");
    await leaveDialog(page).waitFor({ state: "hidden" });
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    assert.equal(await page.locator("#display-name").inputValue(), "Robin");
    assert.equal((await mockState(page)).settings.display_name, "", "nothing saved by staying");

    // Stay here, by its button from the keyboard.
    await goTo(page, "Report");
    await leaveDialog(page).waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Stay here");
    await page.keyboard.press("Enter");
    await leaveDialog(page).waitFor({ state: "hidden" });
    assert.equal(await page.getByRole("heading", { name: "Annual report" }).count(), 0);

    // Discard: the other screen opens, the change is gone.
    await goTo(page, "Calls");
    await leaveDialog(page).getByRole("button", { name: "Discard changes" }).press("Enter");
    await page.getByRole("heading", { name: "Calls", exact: true }).waitFor();
    assert.equal((await mockState(page)).settings.display_name, "");

    // Save them: saved, then the other screen.
    await editSettings(page, "Sam");
    await goTo(page, "Report");
    await leaveDialog(page).waitFor();
    await page.keyboard.press("Enter"); // Save them: it has the focus
    await page.getByRole("heading", { name: "Annual report" }).waitFor();
    assert.equal((await mockState(page)).settings.display_name, "Sam");

    // Nothing changed: no question.
    await goTo(page, "Settings");
    await page.locator("#display-name").waitFor();
    await goTo(page, "Calls");
    await page.getByRole("heading", { name: "Calls", exact: true }).waitFor();
    assert.equal(await leaveDialog(page).count(), 0);
    assert.deepEqual(page.errors, []);
  });

  it("stays on Settings when saving from the question fails, with the reason shown", async () => {
    const page = await openPage("?store=unlocked");
    await goTo(page, "Settings");
    await page.locator("#idle").fill("0");
    await goTo(page, "Calls");
    await leaveDialog(page).getByRole("button", { name: "Save them" }).click();
    await page.getByRole("alert").getByText("between 1 and 60").waitFor();
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    assert.equal((await mockState(page)).settings.idle_lock_minutes, 5);
  });

  it("asks before locking with unsaved changes", async () => {
    const page = await openPage("?store=unlocked");
    await editSettings(page);
    await page.keyboard.press("Control+Shift+L");
    await leaveDialog(page).waitFor();
    await page.keyboard.press("Escape");
    await leaveDialog(page).waitFor({ state: "hidden" });
    assert.equal((await mockState(page)).unlocked, true, "Escape does not lock");

    await page.getByRole("button", { name: /^Lock/ }).click();
    await leaveDialog(page).getByRole("button", { name: "Save them" }).click();
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    const state = await mockState(page);
    assert.equal(state.unlocked, false);
    assert.equal(state.settings.display_name, "Robin");
  });

  for (const colorScheme of ["light", "dark"]) {
    it(`shows the question accessibly in ${colorScheme} mode`, async () => {
      const page = await openPage("?store=unlocked", { colorScheme });
      await editSettings(page);
      await goTo(page, "Returns");
      await leaveDialog(page).waitFor();
      const described = await leaveDialog(page).evaluate(
        (d) => document.getElementById(d.getAttribute("aria-describedby"))?.textContent,
      );
      assert.equal(described, "You have changed settings that are not saved.");
      await assertAccessible(page, `leave question (${colorScheme})`);
      await page.keyboard.press("Escape");
      await leaveDialog(page).waitFor({ state: "hidden" });
      await page.getByText("You have changes that are not saved yet.").waitFor();
      await assertAccessible(page, `settings with unsaved changes (${colorScheme})`);
    });
  }
});

describe("3. the report opens on the academic year in progress", () => {
  it("offers 2026/27 on 2 December 2026", async () => {
    const page = await openPage("?store=unlocked", { now: new Date("2026-12-02T10:00:00Z") });
    await goTo(page, "Report");
    await page.getByRole("heading", { name: "Annual report", exact: true }).waitFor();
    assert.equal(await page.locator("#report-year").inputValue(), "2026");
    assert.ok(await page.getByLabel("Academic year (September to August)").isChecked());
    await page.getByText("2026/27: September 2026 to August 2027.").waitFor();
  });

  it("offers 2025/26 until 31 August 2026, and names a calendar year when one is chosen", async () => {
    const page = await openPage("?store=unlocked", { now: new Date("2026-08-31T12:00:00Z") });
    await goTo(page, "Report");
    await page.getByRole("heading", { name: "Annual report", exact: true }).waitFor();
    assert.equal(await page.locator("#report-year").inputValue(), "2025");
    await page.getByText("2025/26: September 2025 to August 2026.").waitFor();
    await page.getByLabel("Calendar year (January to December)").check();
    await page.getByText("2025: January to December 2025.").waitFor();
  });
});

describe("4. dates are UK style whatever the computer's locale", () => {
  it("shows the calls list, an opened call and the volunteers' dates as Tue 1 Dec 2026 or 1/12/2026", async () => {
    const page = await openPage("?store=unlocked&calls=1&coordinator=1", {
      locale: "en-US",
      timezoneId: "America/New_York",
    });
    await goTo(page, "Calls");
    await page.getByText("3 calls.").waitFor();
    const row = page.getByRole("row").filter({ hasText: "Mon 2 Nov 2026" });
    await row.getByText("Overdue 5/11/2026", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Open the call of Tue 10 Nov 2026 09:30" }).click();
    await page
      .getByRole("heading", { name: "Call logged Tue 10 Nov 2026 at 10:00", exact: true })
      .waitFor();

    await goTo(page, "Returns");
    const jo = page
      .getByRole("region", { name: "Volunteers" })
      .getByRole("listitem")
      .filter({ hasText: "Jo" });
    await jo.getByText("Mon 2 Sep 2024", { exact: true }).waitFor();
    await jo.getByText(/^Mon 1 Sep 2025 \(1 return merged in all\)$/).waitFor();
  });

  it("reads the calls list's dates typed day first, whatever the computer's locale", async () => {
    const page = await openPage("?store=unlocked&calls=1", {
      locale: "en-US",
      timezoneId: "America/New_York",
    });
    await goTo(page, "Calls");
    await page.getByText("3 calls.").waitFor();
    await waitForFocus(page, "filter-from", "Calls");
    await page.keyboard.type("2/11/2026");
    await page.getByLabel("To", { exact: true }).fill("10/11/2026");
    await page.keyboard.press("Enter");
    await page.getByText("2 calls.").waitFor();
    assert.equal(await page.getByRole("row").filter({ hasText: "Wed 2 Dec 2026" }).count(), 0);

    await page.getByLabel("From", { exact: true }).fill("31/2/2026");
    await page.keyboard.press("Enter");
    await page
      .getByRole("alert")
      .getByText("Enter the date as day/month/year, such as 1/12/2026.")
      .waitFor();
    await waitForFocus(page, "filter-from", "a date that does not exist");
    await page.locator('#filter-from[aria-invalid="true"]').waitFor({ timeout: 5000 });
  });
});

describe("5. the window fits a 1366×768 laptop", () => {
  it("shows Log a call and Settings without sideways scrolling at 1366×700", async () => {
    const page = await openPage("?store=unlocked", { viewport: WINDOW });
    for (const [screen, heading] of [
      ["Log a call", "Log a call"],
      ["Settings", "Settings"],
    ]) {
      await goTo(page, screen);
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      const overflow = await sidewaysScroll(page);
      assert.ok(overflow <= 0, `${screen} scrolls sideways by ${overflow}px`);
    }
  });

  it("keeps the menu bar under a quarter of the window at 200% zoom and at 200% text", async () => {
    // 200% zoom: the laptop's window in half as many CSS pixels.
    const zoomed = await openPage("?store=unlocked", { viewport: ZOOMED });
    await zoomed.getByRole("heading", { name: "Log a call" }).waitFor();
    let height = await zoomed
      .locator("header.bar")
      .evaluate((h) => h.getBoundingClientRect().height);
    assert.ok(
      height < ZOOMED.height / 4,
      `the menu bar is ${height}px of ${ZOOMED.height}px at 200% zoom`,
    );
    assert.ok((await sidewaysScroll(zoomed)) <= 0, "the page scrolls sideways at 200% zoom");

    // 200% text: the root font doubled at 1366×768.
    const large = await openPage("?store=unlocked", { viewport: LAPTOP });
    await large.getByRole("heading", { name: "Log a call" }).waitFor();
    await large.evaluate(() => {
      document.documentElement.style.fontSize = "200%";
    });
    height = await large.locator("header.bar").evaluate((h) => h.getBoundingClientRect().height);
    assert.ok(
      height < LAPTOP.height / 4,
      `the menu bar is ${height}px of ${LAPTOP.height}px at 200% text`,
    );
    // Every screen is still in the menu, and a keyboard can reach each one.
    for (const screen of ["Log a call", "Calls", "Report", "Returns", "Settings"]) {
      const tab = large
        .getByRole("navigation", { name: "Screens" })
        .getByRole("button", { name: screen, exact: true });
      await tab.focus();
      assert.ok(
        await inViewport(tab),
        `${screen} cannot be seen when it has the focus at 200% text`,
      );
    }
    await assertAccessible(large, "200% text");
  });
});

describe("6. the demo is offered on first run only", () => {
  it("offers the demo when there is no call log yet, not on the unlock screen", async () => {
    const first = await openPage("?store=none");
    await first.getByRole("button", { name: "Open the demo call log" }).waitFor();
    const locked = await openPage("?store=locked");
    await locked.getByRole("heading", { name: "Unlock" }).waitFor();
    assert.equal(await locked.getByRole("button", { name: /demo/i }).count(), 0);
    assert.equal(await locked.getByText(/demo/i).count(), 0);
    await locked.getByRole("button", { name: /recovery key/ }).click();
    await locked.getByRole("heading", { name: "Recover with the recovery key" }).waitFor();
    assert.equal(await locked.getByText(/demo/i).count(), 0);
  });
});

describe("7. a wrong passphrase is easy to type again", () => {
  it("selects the wrong passphrase so typing replaces it", async () => {
    const page = await openPage("?store=locked");
    await page.getByRole("heading", { name: "Unlock" }).waitFor();
    await waitForFocus(page, "passphrase", "unlock");
    await page.keyboard.type("correct horse battery stapel");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").getByText("does not unlock").waitFor();
    await waitForFocus(page, "passphrase", "after a wrong passphrase");
    const selected = await page
      .locator("#passphrase")
      .evaluate((i) => [i.selectionStart, i.selectionEnd, i.value.length]);
    assert.deepEqual(selected, [0, 28, 28], "the whole passphrase is selected");
    await page.keyboard.type("correct horse battery staple");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Log a call" }).waitFor();
  });

  it("shows the passphrase as typed on request, on the unlock and set-up screens", async () => {
    const page = await openPage("?store=locked");
    const field = page.locator("#passphrase");
    const toggle = page.getByRole("button", { name: "Show passphrase" });
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    assert.equal(await field.getAttribute("type"), "password");
    await toggle.press("Space");
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    assert.equal(await field.getAttribute("type"), "text");
    await toggle.press("Enter");
    assert.equal(await field.getAttribute("type"), "password");

    const setUp = await openPage("?store=none");
    await setUp.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    await setUp.getByRole("button", { name: "Show passphrase" }).click();
    assert.equal(await setUp.locator("#new-passphrase").getAttribute("type"), "text");
    assert.equal(await setUp.locator("#confirm").getAttribute("type"), "text");
  });

  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe with the passphrase shown, in ${colorScheme} mode`, async () => {
      for (const [store, heading] of [
        ["locked", "Unlock"],
        ["none", "Set up Quietline"],
      ]) {
        const page = await openPage(`?store=${store}`, { colorScheme });
        await page.getByRole("heading", { name: heading }).waitFor();
        await page.keyboard.type("synthetic passphrase");
        await page.getByRole("button", { name: "Show passphrase" }).click();
        await assertAccessible(page, `${heading}, passphrase shown (${colorScheme})`);
      }
    });
  }
});

describe("8. the recovery key check", () => {
  for (const [where, options, setup] of [
    ["at 200% zoom", { viewport: ZOOMED }, async () => {}],
    [
      "at 200% text",
      { viewport: LAPTOP },
      (page) =>
        page.evaluate(() => {
          document.documentElement.style.fontSize = "200%";
        }),
    ],
  ]) {
    it(`asks for a group of the key while the key is in view, ${where}`, async () => {
      const page = await openPage("?store=none", options);
      await page.getByRole("heading", { name: "Set up Quietline" }).waitFor();
      await setup(page);
      await page.getByLabel("New passphrase").fill("kettle morning oxbow lantern");
      await page.getByLabel("Type it again").fill("kettle morning oxbow lantern");
      await page.getByLabel("Type it again").press("Enter");
      await page.getByRole("heading", { name: "Write down your recovery key" }).waitFor();
      const key = page.locator("#recovery-key-shown");
      await page.waitForTimeout(100); // the step has settled where it will stay
      assert.ok(await inViewport(key), "the key is out of view while its last group is asked for");
      assert.ok(await inViewport(page.locator("#last-group")), "the check field is out of view");
      await waitForFocus(page, "last-group", "the recovery key check");
      assert.ok(
        await inViewport(key),
        "the key went out of view when the check field took the focus",
      );

      // A wrong group: the key is still there, and typing replaces the guess.
      await page.keyboard.type("ZZZZ");
      await page.keyboard.press("Enter");
      await page.getByRole("alert").getByText("not the last group").waitFor();
      assert.ok(await inViewport(key), "the key went out of view after a wrong group");
      const groups = (await key.innerText()).trim().split(/\s+/);
      const last = groups.filter((g) => g.length === 4).pop();
      await page.keyboard.type(last);
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Log a call" }).waitFor();
    });
  }
});

/** The visible words of the page, without keys and codes shown as values. */
const visibleWords = (page) =>
  page.evaluate(() => {
    let text = document.body.innerText;
    for (const code of document.querySelectorAll("code"))
      text = text.replaceAll(code.innerText, "");
    return text;
  });

/** The coordinator's merge step keeps the word the return format uses, and
 *  the coordinator's key keeps the word the library's messages use when
 *  they ask a volunteer to have it read out ("This key's fingerprint is…"). */
const PINNED = [
  "I have checked this fingerprint with",
  "Your key's fingerprint",
  "Its fingerprint",
];
const JARGON = /\bstores?\b|substantive|age1|fingerprint/i;

function assertPlain(text, where) {
  const rest = PINNED.reduce((t, pinned) => t.replaceAll(pinned, ""), text);
  const line = rest.split("\n").find((l) => JARGON.test(l));
  assert.equal(line, undefined, `${where} says: ${line}`);
}

describe("9. plain words", () => {
  it("says call log and check code, not store and fingerprint, on every screen a volunteer reads", async () => {
    const first = await openPage("?store=none");
    await first.getByRole("heading", { name: "Set up Quietline" }).waitFor();
    assertPlain(await visibleWords(first), "set-up");

    const locked = await openPage("?store=locked");
    await locked.getByRole("heading", { name: "Unlock" }).waitFor();
    assertPlain(await visibleWords(locked), "unlock");
    await locked.getByRole("button", { name: /recovery key/ }).click();
    await locked.getByRole("heading", { name: "Recover with the recovery key" }).waitFor();
    assertPlain(await visibleWords(locked), "recover");

    const demo = await openPage("?store=none");
    await demo.getByRole("button", { name: "Open the demo call log" }).click();
    await demo.getByRole("complementary", { name: "Demo call log" }).waitFor();
    for (const [screen, ready] of [
      ["Calls", "3 calls."],
      ["Settings", "Change passphrase"],
    ]) {
      await goTo(demo, screen);
      await demo.getByText(ready).first().waitFor();
      assertPlain(await visibleWords(demo), `demo ${screen}`);
    }

    const volunteer = await openPage("?store=unlocked&calls=1");
    await goTo(volunteer, "Returns");
    await volunteer.locator("#own-fingerprint").waitFor();
    assertPlain(await visibleWords(volunteer), "a volunteer's Returns");
    await goTo(volunteer, "Settings");
    await volunteer.getByText("Change passphrase").first().waitFor();
    assertPlain(await visibleWords(volunteer), "Settings");

    const coordinator = await openPage("?store=unlocked&volunteer=1&coordinator=1");
    await goTo(coordinator, "Returns");
    await coordinator.evaluate(() =>
      window.quietlineMock.chooseNext(["/home/coordinator/Returns/alex-2024-25.qlreturn"]),
    );
    await coordinator.getByRole("button", { name: "Choose files…" }).click();
    await coordinator.getByText("New volunteer", { exact: true }).waitFor();
    assertPlain(await visibleWords(coordinator), "a coordinator's Returns");
  });
});

describe("10. separators keep their spaces", () => {
  it("tells themes apart in the calls list, and no · runs into a word on any screen", async () => {
    const page = await openPage("?store=unlocked&calls=1&coordinator=1");
    await goTo(page, "Calls");
    await page.getByText("3 calls.").waitFor();
    const row = page.getByRole("row").filter({ hasText: "Mon 2 Nov 2026" });
    assert.equal(await row.getByRole("cell").nth(3).innerText(), "EHCPs · Funding and budgets");
    assert.equal(
      await row.getByRole("cell").nth(2).locator(".hint").innerText(),
      "Primary · North West",
    );
    for (const screen of ["Calls", "Report", "Returns", "Settings"]) {
      await goTo(page, screen);
      await page.locator("main h1").first().waitFor();
      const squashed = await page
        .locator("main")
        .evaluate(
          (main) =>
            [...main.querySelectorAll("*")]
              .map((el) => el.textContent ?? "")
              .find((t) => /\S·|·\S/.test(t)) ?? null,
        );
      assert.equal(squashed, null, `${screen}: a separator runs into a word`);
    }
  });
});
