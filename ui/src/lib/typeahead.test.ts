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
