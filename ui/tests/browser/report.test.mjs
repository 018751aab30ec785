// The coordinators' Report screen from the keyboard alone, against the
// in-memory backend serving the library's own reports (reports.json):
// choose the period, suppress small numbers and see the markers, edit the
// narrative, save as HTML and CSV. axe-core in light and dark, and at a
// 640-pixel width (200% zoom) without sideways scrolling.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertAccessible, focusedId, useMockApp } from "./harness.mjs";

const openPage = useMockApp();

async function openReport(options = {}) {
  const page = await openPage("?store=unlocked", options);
  await page.getByRole("button", { name: "Report", exact: true }).click();
  await page.getByRole("heading", { name: "Annual report", exact: true }).waitFor();
  return page;
}

/** Tabs forward until the element with `id` has focus. */
async function tabTo(page, id) {
  for (let i = 0; i < 40; i++) {
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached #${id}`);
}

const withheldCells = (page) => page.locator("td.withheld").count();

describe("report", () => {
  it("chooses the period, suppresses small numbers, edits the narrative and saves, from the keyboard", async () => {
    const page = await openReport();
    // Keyboard only from here: the year field is the first control.
    await page.locator("#report-year").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("2024");
    await page.keyboard.press("Tab"); // the period radios: academic is chosen
    await page.keyboard.press("ArrowDown"); // calendar
    await page.keyboard.press("Enter"); // submits the form
    await page.getByRole("heading", { name: "Calls in 2024", exact: true }).waitFor();
    assert.equal(await withheldCells(page), 0, "no suppression asked for");
    const themes = page.getByRole("table", { name: /^Calls by theme/ });
    assert.equal(await themes.getByRole("columnheader").count(), 5);
    await page
      .getByRole("img", { name: /Calls by theme category, 2024 compared with 2023/ })
      .waitFor();

    // The academic year, with small numbers suppressed.
    await page.locator("#report-year").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("ArrowUp"); // academic
    await tabTo(page, "suppress");
    await page.keyboard.press("Space");
    await page.getByText("Press Show the report to apply your changes.").waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Calls in 2024/25", exact: true }).waitFor();
    await page.getByText("counts from 1 to 4 are shown as “fewer than 5”").waitFor();
    const withheld = await withheldCells(page);
    assert.ok(withheld > 10, `markers shown: ${withheld}`);
    for (const text of await page.locator("td.withheld").allInnerTexts())
      assert.equal(text, "fewer than 5");
    // No published cell shows a count from 1 to 4.
    const published = await page.locator("table td:not(.withheld)").allInnerTexts();
    const small = published.filter((t) => /^[1-4]$/.test(t.trim()));
    assert.deepEqual(small, [], "small counts on screen");

    // Edit the narrative; restore the draft; edit again.
    const narrative = page.getByLabel("What the year's numbers say, one paragraph per line");
    const drafted = await narrative.inputValue();
    assert.match(drafted, /^The helpline took \d+ calls in 2024\/25/);
    await tabTo(page, "narrative");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nVolunteers were thanked by the trustees.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // Restore the drafted narrative
    assert.equal(await narrative.inputValue(), drafted);
    await narrative.focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type(
      "Calls rose in the spring term.\n\nVolunteers were thanked by the trustees.",
    );

    // A relative path is refused with a message that says what to type.
    await tabTo(page, "save-path");
    assert.equal(await page.locator("#save-path").inputValue(), "/home/coordinator/Documents");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("report.html");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // Save as HTML
    await page.getByRole("alert").getByText("is not a full path").waitFor();
    assert.equal(await focusedId(page), "save-path", "the cursor goes back to the path");

    await page.keyboard.press("Control+A");
    await page.keyboard.type("~/Documents");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .getByText(
        "Saved as /home/coordinator/Documents/quietline-report-2024-25-for-publication.html",
      )
      .waitFor();
    // Again: a number is added rather than replace the first file.
    await page.getByRole("button", { name: "Save as a web page to print (HTML)" }).press("Enter");
    await page.getByText("quietline-report-2024-25-for-publication (2).html").waitFor();
    await page.getByRole("button", { name: "Save the tables as CSV" }).press("Enter");
    await page
      .getByText(
        "Saved as /home/coordinator/Documents/quietline-report-2024-25-for-publication.csv.",
      )
      .waitFor();

    const saved = (await page.evaluate(() => window.quietlineMock.state())).saved;
    assert.deepEqual(
      saved.map((s) => s.format),
      ["html", "html", "csv"],
    );
    assert.deepEqual(saved[0].narrative, [
      "Calls rose in the spring term.",
      "Volunteers were thanked by the trustees.",
    ]);
    assert.deepEqual(saved[2].narrative, [], "CSV has no narrative");
    assert.deepEqual(page.errors, []);
  });

  it("explains a year it cannot report on and puts the cursor back", async () => {
    const page = await openReport();
    await page.locator("#report-year").fill("24");
    await page.locator("#report-year").press("Enter");
    await page.getByRole("alert").getByText("Enter the year as four digits").waitFor();
    assert.equal(await focusedId(page), "report-year");
    // The field is marked in the same update as the message; wait for it rather than race it.
    await page.locator('#report-year[aria-invalid="true"]').waitFor({ timeout: 5000 });
  });

  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe in ${colorScheme} mode, with and without suppression, and fits a 200% zoom`, async () => {
      for (const viewport of [
        { width: 1200, height: 900 },
        { width: 640, height: 800 },
      ]) {
        const page = await openReport({ colorScheme, viewport });
        await page.locator("#report-year").fill("2024");
        await page.locator("#report-year").press("Enter");
        await page.getByRole("heading", { name: "Calls in 2024/25", exact: true }).waitFor();
        await assertAccessible(page, `report ${colorScheme} ${viewport.width}px`);
        await page.locator("#suppress").check();
        await page.getByRole("button", { name: "Show the report" }).click();
        await page.locator("td.withheld").first().waitFor();
        await assertAccessible(page, `suppressed report ${colorScheme} ${viewport.width}px`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(
          overflow <= 0,
          `the report scrolls sideways by ${overflow}px at ${viewport.width}px`,
        );
        await page.context().close();
      }
    });
  }
});
