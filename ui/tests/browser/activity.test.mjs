// The activity on this laptop, in Settings, from the keyboard, against the
// in-memory backend, which answers with what the library said
// (`export_activity_for_the_browser_tests`): a table with headings, newest
// first, each line in the library's words and UK dates; a day typed in
// "Since" asks for the entries from that day on, and "Show every day" goes
// back to all of them; a broken record shows the library's message. axe-core
// on each state.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertAccessible, goTo, isFocused, tabTo, useMockApp } from "./harness.mjs";

const activity = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/activity.json", import.meta.url), "utf8"),
);
const SINCE = "2026-12-01";

const openPage = useMockApp();

const mockState = (page) => page.evaluate(() => window.quietlineMock.state());

async function openSettings(query = "") {
  const page = await openPage(`?store=unlocked${query}`);
  await page.getByRole("heading", { name: "Log a call" }).waitFor();
  await goTo(page, "Settings");
  await page.getByRole("heading", { name: "Activity on this laptop" }).waitFor();
  return page;
}

/** The table's rows as [when, what] pairs, top to bottom. */
const shownRows = (section) =>
  section
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent.trim())),
    );

describe("activity: the record in Settings", () => {
  it("lists the library's entries newest first, in a table with headings", async () => {
    const page = await openSettings();
    const section = page.locator('section[aria-labelledby="activity-title"]');
    const table = section.getByRole("table", { name: "Activity on this laptop, newest first" });
    await table.waitFor();
    const headings = await table.getByRole("columnheader").allTextContents();
    assert.deepEqual(headings, ["When", "What was done"]);
    const expected = activity.all.entries
      .slice()
      .reverse()
      .map((e) => [e.at, e.description]);
    assert.deepEqual(await shownRows(section), expected);
    // The words are the library's, dates UK style.
    assert.equal(expected.at(-1)[1], "Made this call log.");
    assert.match(expected[0][0], /^Tue 1 Dec 2026 \d\d:\d\d$/);
    await section.getByText(`${activity.all.total} entries.`).waitFor();
    assert.deepEqual((await mockState(page)).log.slice(-1), ["activity all"]);
    await assertAccessible(page, "the activity list");
    assert.deepEqual(page.errors, []);
  });

  it("filters from a day typed in Since, from the keyboard, and back to every day", async () => {
    const page = await openSettings();
    const section = page.locator('section[aria-labelledby="activity-title"]');
    await section.locator("tbody tr").first().waitFor();

    const since = page.locator("#activity-since");
    await tabTo(page, since);
    // Not a date: said at the box, and nothing is asked.
    await page.keyboard.type("31/2/2026");
    await page.keyboard.press("Enter");
    await section
      .locator('#activity-since-error[role="alert"]')
      .getByText("Enter the date as day/month/year")
      .waitFor();
    assert.ok(await isFocused(since));
    await page.locator('#activity-since[aria-invalid="true"]').waitFor();
    assert.deepEqual((await mockState(page)).log.slice(-1), ["activity all"]);

    // Day first, as the Calls screen reads dates.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("1/12/2026");
    await page.keyboard.press("Enter");
    const wanted = activity.since[SINCE];
    await page.waitForFunction(
      (n) => document.querySelectorAll("#activity-title ~ table tbody tr").length === n,
      wanted.entries.length,
    );
    assert.deepEqual(
      await shownRows(section),
      wanted.entries
        .slice()
        .reverse()
        .map((e) => [e.at, e.description]),
    );
    assert.ok(wanted.entries.length < activity.all.entries.length);
    assert.deepEqual((await mockState(page)).log.slice(-1), [`activity ${SINCE}`]);
    // The cursor goes to the count, which says what is shown.
    const count = page.locator("#activity-count");
    await page.waitForFunction(() => document.activeElement?.id === "activity-count");
    assert.equal(
      (await count.textContent()).replace(/\s+/g, " ").trim(),
      "3 entries on or after that day, of 8.",
    );
    await assertAccessible(page, "the activity list since a day");

    const every = section.getByRole("button", { name: "Show every day" });
    await tabTo(page, every);
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (n) => document.querySelectorAll("#activity-title ~ table tbody tr").length === n,
      activity.all.entries.length,
    );
    assert.ok(await isFocused(since));
    assert.equal(await since.inputValue(), "");
    assert.deepEqual(page.errors, []);
  });

  it("shows the library's message when the record is broken", async () => {
    const page = await openSettings("&activity=damaged");
    const section = page.locator('section[aria-labelledby="activity-title"]');
    await section.getByRole("alert").getByText(activity.refusals.damaged.message).waitFor();
    assert.equal(await section.getByRole("table").count(), 0);
    await assertAccessible(page, "a broken activity record");
  });
});
