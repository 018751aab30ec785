import { describe, expect, it } from "vitest";
import { lastCompletePeriod, narrativeSentences, narrativeText } from "./reportForm";

describe("lastCompletePeriod", () => {
  it("offers the academic year that ended on the last 31 August", () => {
    expect(lastCompletePeriod(new Date(2026, 10, 22), true)).toBe(2025); // 2025/26
    expect(lastCompletePeriod(new Date(2026, 8, 1), true)).toBe(2025);
    expect(lastCompletePeriod(new Date(2026, 7, 31), true)).toBe(2024); // 2025/26 not over
  });

  it("offers last calendar year", () => {
    expect(lastCompletePeriod(new Date(2026, 0, 1), false)).toBe(2025);
    expect(lastCompletePeriod(new Date(2026, 11, 31), false)).toBe(2025);
  });
});

describe("the narrative as text", () => {
  it("keeps one paragraph per line and drops blank lines", () => {
    const drafted = ["The helpline took 295 calls.", "Calls about funding rose."];
    expect(narrativeSentences(narrativeText(drafted))).toEqual(drafted);
    expect(narrativeSentences("  First.  \n\n\r\nSecond.\n")).toEqual(["First.", "Second."]);
  });
});
