import { describe, expect, it } from "vitest";
import { longDate, longDateTime, parseDate, shortDate } from "./dates";

describe("dates, UK style whatever the locale", () => {
  it("writes the long form with the day of the week", () => {
    expect(longDate("2026-12-01")).toBe("Tue 1 Dec 2026");
    expect(longDate("2026-11-02T09:30")).toBe("Mon 2 Nov 2026");
    expect(longDate("2024-02-29")).toBe("Thu 29 Feb 2024");
    expect(longDate(new Date(2026, 11, 1, 23, 59))).toBe("Tue 1 Dec 2026");
  });

  it("writes the short form day first", () => {
    expect(shortDate("2026-12-01")).toBe("1/12/2026");
    expect(shortDate("2026-11-05")).toBe("5/11/2026");
    expect(shortDate(new Date(2027, 0, 31))).toBe("31/1/2027");
  });

  it("adds the time when there is one", () => {
    expect(longDateTime("2026-11-02 10:00")).toBe("Mon 2 Nov 2026 at 10:00");
    expect(longDateTime("2026-11-02T10:05:33")).toBe("Mon 2 Nov 2026 at 10:05");
    expect(longDateTime("2026-11-02")).toBe("Mon 2 Nov 2026");
  });

  it("reads the backend's older display form the same way", () => {
    expect(longDateTime("2 Nov 2026 10:00")).toBe("Mon 2 Nov 2026 at 10:00");
    expect(longDate("3 Sep 2025")).toBe("Wed 3 Sep 2025");
    expect(shortDate("Wed 3 Sep 2025")).toBe("3/9/2025");
  });

  it("shows anything that is not a date as given", () => {
    expect(longDate("")).toBe("");
    expect(shortDate("2026-02-30")).toBe("2026-02-30");
    expect(longDateTime("Nov 2026")).toBe("Nov 2026");
    expect(longDate("31 Sep 2025")).toBe("31 Sep 2025");
  });

  it("reads a date typed day first", () => {
    expect(parseDate("1/12/2026")).toBe("2026-12-01");
    expect(parseDate(" 01.12.26 ")).toBe("2026-12-01");
    expect(parseDate("5-11-2026")).toBe("2026-11-05");
    expect(parseDate("29 2 2024")).toBe("2024-02-29");
    expect(parseDate("Tue 1 Dec 2026")).toBe("2026-12-01");
    expect(parseDate("2026-12-01")).toBe("2026-12-01");
    expect(parseDate("")).toBe("");
  });

  it("refuses a day that does not exist or is not a date", () => {
    expect(parseDate("31/2/2026")).toBeNull();
    expect(parseDate("13/13/2026")).toBeNull();
    expect(parseDate("12/2026")).toBeNull();
    expect(parseDate("yesterday")).toBeNull();
  });

  it("does not depend on the computer's time zone", () => {
    // Node reads TZ afresh for each date; the UI's tsconfig has no Node types.
    const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
      .process.env;
    const zone = env.TZ;
    try {
      for (const tz of ["America/Los_Angeles", "Pacific/Kiritimati"]) {
        env.TZ = tz;
        expect(longDate("2026-12-01")).toBe("Tue 1 Dec 2026");
        expect(shortDate("2026-12-01T23:30")).toBe("1/12/2026");
      }
    } finally {
      if (zone === undefined) delete env.TZ;
      else env.TZ = zone;
    }
  });
});
