import { describe, expect, it } from "vitest";
import { matchChoices } from "./typeahead";

const roles = [
  { id: "headteacher", label: "Headteacher" },
  { id: "executive_headteacher", label: "Executive headteacher" },
  { id: "head_of_school", label: "Head of school" },
  { id: "deputy_or_assistant_head", label: "Deputy or assistant head" },
  { id: "other", label: "Other" },
];

describe("matchChoices", () => {
  it("puts label prefixes before word prefixes before substrings", () => {
    expect(matchChoices("head", roles).map((r) => r.id)).toEqual([
      "headteacher",
      "head_of_school",
      "executive_headteacher",
      "deputy_or_assistant_head",
    ]);
  });

  it("is case-insensitive and ignores surrounding spaces", () => {
    expect(matchChoices("  DEPUTY ", roles).map((r) => r.id)).toEqual(["deputy_or_assistant_head"]);
  });

  it("returns everything in order for an empty query, nothing for a miss", () => {
    expect(matchChoices("", roles)).toHaveLength(roles.length);
    expect(matchChoices("zzz", roles)).toEqual([]);
  });

  it("matches a subtheme by its category's words last", () => {
    const themes = [
      { id: "inspection.ofsted", label: "Ofsted", also: "Inspection and accountability" },
      { id: "send.ehcp", label: "EHCPs", also: "SEND and inclusion" },
    ];
    expect(matchChoices("send", themes).map((t) => t.id)).toEqual(["send.ehcp"]);
    expect(matchChoices("inspection", themes).map((t) => t.id)).toEqual(["inspection.ofsted"]);
  });
});

describe("matchChoices with everyday words", () => {
  const themes = [
    { id: "funding", label: "Funding and budgets", words: ["money", "cuts", "deficit"] },
    {
      id: "funding.deficit",
      label: "Deficit budget",
      words: ["overspend", "in the red"],
      also: "Funding and budgets",
    },
    {
      id: "wellbeing.burnout_stress",
      label: "Burnout and stress",
      words: ["sleep", "cannot sleep", "exhausted"],
    },
    {
      id: "risk_to_self.suicidal_thoughts",
      label: "Suicidal thoughts",
      words: ["suicide", "end my life"],
    },
    { id: "risk_to_self.self_harm", label: "Self-harm", words: ["self harm", "hurt myself"] },
  ];
  const ids = (query: string) => matchChoices(query, themes).map((t) => t.id);

  it("finds a theme by the start of one of its words", () => {
    expect(ids("money")).toEqual(["funding"]);
    expect(ids("mon")).toEqual(["funding"]);
    expect(ids("suicide")).toEqual(["risk_to_self.suicidal_thoughts"]);
    expect(ids("SLEEP ")).toEqual(["wellbeing.burnout_stress"]);
  });

  it("matches a later word of a phrase, and a phrase however it is spaced", () => {
    expect(ids("red")).toEqual(["funding.deficit"]);
    expect(ids("my life")).toEqual(["risk_to_self.suicidal_thoughts"]);
    expect(ids("hurt  myself")).toEqual(["risk_to_self.self_harm"]);
  });

  it("does not match the middle of a word", () => {
    expect(ids("oney")).toEqual([]);
    expect(ids("leep")).toEqual([]);
  });

  it("puts label matches before everyday-word matches", () => {
    // "deficit" is in Deficit budget's label and only among Funding's words.
    expect(ids("deficit")).toEqual(["funding.deficit", "funding"]);
    // Each option is listed once, at its best rank.
    expect(ids("self-harm")).toEqual(["risk_to_self.self_harm"]);
  });

  it("ranks everyday words before the category's words", () => {
    const mixed = [
      { id: "a.one", label: "One", also: "Money matters" },
      { id: "b.two", label: "Two", words: ["money"] },
    ];
    expect(matchChoices("money", mixed).map((t) => t.id)).toEqual(["b.two", "a.one"]);
  });

  it("finds a label of several words by its initials", () => {
    const regions = [
      { id: "north_east", label: "North East" },
      { id: "north_west", label: "North West" },
      { id: "south_west", label: "South West" },
      { id: "london", label: "London" },
    ];
    expect(matchChoices("nw", regions)[0]?.id).toBe("north_west");
    expect(matchChoices("sw", regions)[0]?.id).toBe("south_west");
    expect(matchChoices("no", regions).map((r) => r.id)).toEqual(["north_east", "north_west"]);
  });
});
