// The theme picker on the Log a call screen, from the keyboard: everyday
// words find themes, ↓ in the empty box shows every theme by category, and
// text that matches nothing stays in the box with a message. axe-core with
// the list open, in light and dark.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertAccessible, focusedId, useMockApp } from "./harness.mjs";

const openPage = useMockApp();

// The vocabulary the mock backend serves, exported from the Rust library.
const vocabulary = JSON.parse(
  readFileSync(new URL("../../src/lib/testing/vocabulary.json", import.meta.url), "utf8"),
);
const categories = vocabulary.themes.filter((t) => t.is_category);

/** The Log a call screen with the cursor in the empty theme box. */
async function openThemes(options = {}) {
  const page = await openPage("?store=unlocked", options);
  await page.getByRole("heading", { name: "Log a call" }).waitFor();
  await page.locator("#themes").focus();
  return page;
}

const themeList = (page) => page.getByRole("listbox", { name: "Themes" });
const chosen = (page) => page.getByRole("list", { name: "Chosen themes" });

/** The text of the option the combobox points at, or "" when none. */
async function activeOption(page) {
  const optionId = await page.locator("#themes").getAttribute("aria-activedescendant");
  return optionId
    ? (await page.locator(`[id="${optionId}"]`).textContent()).replace(/\s+/g, " ").trim()
    : "";
}

async function press(page, key, times = 1) {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

describe("theme picker: everyday words", () => {
  it("offers Suicidal thoughts for “suicide”, first, and Enter chooses it", async () => {
    const page = await openThemes();
    await page.keyboard.type("suicide");
    const options = themeList(page).getByRole("option");
    await options.first().getByText("Suicidal thoughts").waitFor();
    assert.match(await activeOption(page), /^Suicidal thoughts · Risk to self$/);
    await press(page, "Enter");
    await chosen(page).getByText("Suicidal thoughts (Risk to self)").waitFor();
    assert.equal(await page.locator("#themes").inputValue(), "");
  });

  it("offers Funding and budgets for “money”", async () => {
    const page = await openThemes();
    await page.keyboard.type("money");
    await themeList(page)
      .getByRole("option", { name: /^Funding and budgets/ })
      .waitFor();
    await press(page, "Enter");
    await chosen(page).getByText("Funding and budgets", { exact: true }).waitFor();
  });

  it("offers Burnout and stress for “sleep” and “exhausted”", async () => {
    const page = await openThemes();
    for (const word of ["sleep", "exhausted"]) {
      await page.keyboard.type(word);
      await themeList(page)
        .getByRole("option", { name: /^Burnout and stress/ })
        .waitFor();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Backspace");
    }
  });
});

describe("theme picker: browsing every theme", () => {
  it("opens on ↓ in the empty box with every category, and chooses a subtheme with the arrows and Enter", async () => {
    const page = await openThemes();
    await page.getByText("press the ↓ key to see every theme").waitFor();
    assert.equal(await page.locator("#themes").getAttribute("aria-expanded"), "false");

    await press(page, "ArrowDown");
    await themeList(page).waitFor();
    assert.equal(await page.locator("#themes").getAttribute("aria-expanded"), "true");
    for (const c of categories) {
      const group = themeList(page).getByRole("group", { name: c.label, exact: true });
      assert.equal(await group.count(), 1, `no group for ${c.label}`);
    }
    const funding = themeList(page).getByRole("group", {
      name: "Funding and budgets",
      exact: true,
    });
    await funding.getByRole("option", { name: "Deficit budget" }).waitFor();
    assert.equal(await themeList(page).getByRole("option").count(), vocabulary.themes.length);

    // The first option is highlighted; ↓ moves on, ↑ comes back.
    assert.equal(await activeOption(page), "Inspection and accountability: Whole category");
    await press(page, "ArrowDown", 2);
    assert.equal(await activeOption(page), "Complaint to an inspectorate");
    await press(page, "ArrowUp");
    assert.equal(await activeOption(page), "Ofsted");

    const deficit = vocabulary.themes.findIndex((t) => t.id === "funding.deficit");
    await press(page, "ArrowDown", deficit - 1);
    assert.equal(await activeOption(page), "Deficit budget");
    assert.ok(
      await page.locator("#themes-list li.active").isVisible(),
      "the highlighted option is scrolled into view",
    );
    await press(page, "Enter");
    await chosen(page).getByText("Deficit budget (Funding and budgets)").waitFor();
    assert.equal(await themeList(page).count(), 0, "the list closes once a theme is chosen");
    assert.equal(await focusedId(page), "themes");

    // Escape closes the list again, leaving the box empty.
    await press(page, "ArrowDown");
    await themeList(page).waitFor();
    await press(page, "Escape");
    assert.equal(await themeList(page).count(), 0);
    assert.equal(await page.locator("#themes").getAttribute("aria-expanded"), "false");
    assert.deepEqual(page.errors, []);
  });

  it("still narrows the list as the volunteer types", async () => {
    const page = await openThemes();
    await press(page, "ArrowDown");
    await themeList(page).waitFor();
    await page.keyboard.type("ofsted");
    await themeList(page)
      .getByRole("option", { name: /^Ofsted/ })
      .waitFor();
    assert.equal(await themeList(page).getByRole("group").count(), 0);
    await press(page, "Enter");
    await chosen(page).getByText("Ofsted (Inspection and accountability)").waitFor();
  });
});

describe("theme picker: text that matches nothing", () => {
  it("stays in the box with a message when focus leaves it", async () => {
    const page = await openThemes();
    await page.keyboard.type("zzz");
    await press(page, "Tab");
    assert.notEqual(await focusedId(page), "themes");
    assert.equal(await page.locator("#themes").inputValue(), "zzz");
    const message = page.getByText(
      "No theme matches ‘zzz’ — choose one from the list or clear the box.",
    );
    await message.waitFor();
    assert.match(await page.locator("#themes").getAttribute("aria-describedby"), /themes-leftover/);

    // Clearing the box takes the message away.
    await page.locator("#themes").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
    await press(page, "Tab");
    assert.equal(await message.count(), 0);
  });
});

describe("theme picker: accessibility", () => {
  for (const colorScheme of ["light", "dark"]) {
    it(`passes axe in ${colorScheme} mode with the list open, browsing and typing`, async () => {
      const page = await openThemes({ colorScheme });
      await press(page, "ArrowDown");
      await themeList(page).getByRole("group").first().waitFor();
      await assertAccessible(page, `every theme (${colorScheme})`);

      await page.keyboard.type("money");
      await themeList(page)
        .getByRole("option", { name: /^Funding and budgets/ })
        .waitFor();
      await assertAccessible(page, `matches for “money” (${colorScheme})`);

      await page.keyboard.press("Control+A");
      await page.keyboard.type("zzz");
      await press(page, "Tab");
      await page.getByText("No theme matches ‘zzz’").waitFor();
      await assertAccessible(page, `text that matches nothing (${colorScheme})`);
    });
  }
});
