import { describe, expect, it } from "vitest";
import type { ThemeLine } from "./bindings/ThemeLine";
import { findThemes, groupThemes, sameThemes, suggestedId } from "./themeEditor";

const line = (id: string, label: string, description = ""): ThemeLine => ({
  id,
  label,
  description,
  is_category: !id.includes("."),
});

const lines = [
  line("parents", "Parents and community"),
  line("parents.social_media", "Social media", "Posts and groups about the school"),
  line("parents.threats", "Threats"),
  line("premises", "Premises"),
  line("premises.raac", "RAAC", "Reinforced concrete"),
];

describe("suggestedId", () => {
  it("joins lowercase words with underscores", () => {
    expect(suggestedId("Online abuse")).toBe("online_abuse");
    expect(suggestedId("  DfE intervention & RISE teams ")).toBe("dfe_intervention_and_rise_teams");
    expect(suggestedId("Café-based drop-ins (2025)")).toBe("cafe_based_drop_ins_2025");
    expect(suggestedId("")).toBe("");
  });
});

describe("groupThemes", () => {
  it("puts each subtheme under the category before it", () => {
    const groups = groupThemes(lines);
    expect(groups.map((g) => g.category.id)).toEqual(["parents", "premises"]);
    expect(groups[0]!.subthemes.map((s) => s.id)).toEqual([
      "parents.social_media",
      "parents.threats",
    ]);
  });
});

describe("findThemes", () => {
  const groups = groupThemes(lines);
  it("keeps everything when nothing is typed", () => {
    expect(findThemes(groups, "  ")).toEqual(groups);
  });
  it("keeps only matching subthemes, by label, description or id", () => {
    const found = findThemes(groups, "concrete");
    expect(found.map((g) => g.subthemes.map((s) => s.id))).toEqual([["premises.raac"]]);
    expect(findThemes(groups, "social_media")[0]!.subthemes).toHaveLength(1);
  });
  it("keeps a whole category whose name matches", () => {
    expect(findThemes(groups, "parents")[0]!.subthemes).toHaveLength(2);
  });
  it("needs every word typed", () => {
    expect(findThemes(groups, "social threats")).toEqual([]);
  });
});

describe("sameThemes", () => {
  it("compares ids in order", () => {
    expect(sameThemes(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameThemes(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameThemes(["a"], ["a", "b"])).toBe(false);
  });
});
