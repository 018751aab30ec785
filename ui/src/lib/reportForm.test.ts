import { describe, expect, it } from "vitest";
import {
  currentPeriod,
  lastCompletePeriod,
  narrativeSentences,
  narrativeText,
  periodLabel,
  periodMonths,
} from "./reportForm";

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

describe("currentPeriod", () => {
  it("offers the academic year in progress: 1 September starts it", () => {
    expect(currentPeriod(new Date(2026, 11, 2), true)).toBe(2026); // 2026/27
    expect(currentPeriod(new Date(2026, 8, 1), true)).toBe(2026);
    expect(currentPeriod(new Date(2026, 7, 31), true)).toBe(2025); // 2025/26 still running
    expect(currentPeriod(new Date(2027, 0, 1), true)).toBe(2026);
  });

  it("offers this calendar year", () => {
    expect(currentPeriod(new Date(2026, 0, 1), false)).toBe(2026);
    expect(currentPeriod(new Date(2026, 11, 31), false)).toBe(2026);
  });
});

describe("the period in words", () => {
  it("names academic and calendar years as the library does", () => {
    expect(periodLabel(2026, true)).toBe("2026/27");
    expect(periodLabel(1999, true)).toBe("1999/00");
    expect(periodLabel(2026, false)).toBe("2026");
    expect(periodMonths(2026, true)).toBe("September 2026 to August 2027");
    expect(periodMonths(2026, false)).toBe("January to December 2026");
  });
});

describe("the narrative as text", () => {
  it("keeps one paragraph per line and drops blank lines", () => {
    const drafted = ["The helpline took 295 calls.", "Calls about funding rose."];
    expect(narrativeSentences(narrativeText(drafted))).toEqual(drafted);
    expect(narrativeSentences("  First.  \n\n\r\nSecond.\n")).toEqual(["First.", "Second."]);
  });
});
