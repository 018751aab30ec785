// The one way the app shows a date, UK style whatever the computer's
// locale: long "Tue 1 Dec 2026", short "1/12/2026". Dates arrive as the
// backend's calendar strings ("2026-12-01", "2026-12-01T09:30" or
// "2026-12-01 09:30", already in the helpline's time zone), so no time zone
// or locale is consulted: the string's own day is the day shown. The
// backend's older display form ("1 Dec 2026 09:30") is read too, so a date
// it still formats itself is shown the same way.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Day {
  year: number;
  month: number;
  day: number;
  time: string;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}))?/;
const SHOWN = /^(?:[A-Z][a-z]{2} )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})(?:,? (\d{2}:\d{2}))?$/;

function parts(text: string): [number, number, number, string] | null {
  const stamp = STAMP.exec(text);
  if (stamp) return [Number(stamp[1]), Number(stamp[2]), Number(stamp[3]), stamp[4] ?? ""];
  const shown = SHOWN.exec(text);
  const month = shown ? MONTHS.indexOf(shown[2] ?? "") + 1 : 0;
  if (shown && month > 0) return [Number(shown[3]), month, Number(shown[1]), shown[4] ?? ""];
  return null;
}

/** The calendar day (and time, if any) of a backend string or a Date, or null. */
function dayOf(value: string | Date): Day | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const pad = (n: number) => String(n).padStart(2, "0");
    return {
      year: value.getFullYear(),
      month: value.getMonth() + 1,
      day: value.getDate(),
      time: `${pad(value.getHours())}:${pad(value.getMinutes())}`,
    };
  }
  const found = parts(value.trim());
  if (!found) return null;
  const [year, month, day, time] = found;
  const check = new Date(Date.UTC(year, month - 1, day));
  // 2026-02-30 is not a day: shown as given rather than as 2 March.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day, time };
}

function long(d: Day): string {
  const weekday = DAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()];
  return `${weekday} ${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

/** "Tue 1 Dec 2026"; anything that is not a date is shown as given. */
export function longDate(value: string | Date): string {
  const d = dayOf(value);
  return d ? long(d) : String(value);
}

/** "1/12/2026": day, month, year, for tight spaces such as a table cell. */
export function shortDate(value: string | Date): string {
  const d = dayOf(value);
  return d ? `${d.day}/${d.month}/${d.year}` : String(value);
}

/**
 * A date typed day first, as a calendar string for the backend:
 * "1/12/2026", "01.12.26", "1 12 2026" or "1 Dec 2026" give "2026-12-01".
 * Empty gives "" (no date); anything else, or a day that does not exist
 * (31/2/2026), gives null.
 */
export function parseDate(text: string): string | null {
  const t = text.trim();
  if (t === "") return "";
  const typed = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$/.exec(t);
  const found = typed
    ? ([
        Number(typed[3]!.length === 2 ? `20${typed[3]}` : typed[3]),
        Number(typed[2]),
        Number(typed[1]),
      ] as const)
    : parts(t);
  if (!found) return null;
  const [year, month, day] = found;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  )
    return null;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** "Tue 1 Dec 2026 at 09:30" (without "at" when there is no time). */
export function longDateTime(value: string | Date): string {
  const d = dayOf(value);
  if (!d) return String(value);
  return d.time ? `${long(d)} at ${d.time}` : long(d);
}
