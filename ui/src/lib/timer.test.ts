import { describe, expect, it } from "vitest";
import { formatElapsed, minutesBetween } from "./timer";

describe("call timer", () => {
  it("rounds to whole minutes but never below one", () => {
    expect(minutesBetween(0, 20_000)).toBe(1);
    expect(minutesBetween(0, 89_000)).toBe(1);
    expect(minutesBetween(0, 91_000)).toBe(2);
    expect(minutesBetween(0, 25 * 60_000)).toBe(25);
    expect(minutesBetween(10_000, 0)).toBe(1);
  });

  it("shows minutes and seconds, and hours when needed", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(245_000)).toBe("4:05");
    expect(formatElapsed(3_729_000)).toBe("1:02:09");
  });
});
