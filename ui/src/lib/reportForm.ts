// The Report screen's small pieces of logic that are not counting: which
// period to offer first, its name, and the narrative as one editable text.

/**
 * The last period that has ended by `today`: the academic year (1 September
 * to 31 August) if `academic`, else the calendar year. Returns its first
 * year, as the report request takes it.
 */
export function lastCompletePeriod(today: Date, academic: boolean): number {
  const year = today.getFullYear();
  if (!academic) return year - 1;
  // September onwards: the academic year that ended on 31 August.
  return today.getMonth() >= 8 ? year - 1 : year - 2;
}

/**
 * The period `today` is in: the academic year (1 September to 31 August)
 * if `academic`, else the calendar year. Returns its first year, as the
 * report request takes it: on 2 December 2026, academic 2026 (2026/27).
 */
export function currentPeriod(today: Date, academic: boolean): number {
  const year = today.getFullYear();
  if (!academic) return year;
  return today.getMonth() >= 8 ? year : year - 1;
}

/** "2026/27" for the academic year starting in 2026, "2026" for the calendar year. */
export function periodLabel(year: number, academic: boolean): string {
  return academic ? `${year}/${String((year + 1) % 100).padStart(2, "0")}` : String(year);
}

/** The months a period covers, in words: "September 2026 to August 2027". */
export function periodMonths(year: number, academic: boolean): string {
  return academic ? `September ${year} to August ${year + 1}` : `January to December ${year}`;
}

/** One paragraph per line in the editor. */
export function narrativeText(sentences: string[]): string {
  return sentences.join("\n");
}

/** The editor's text back as paragraphs, blank lines dropped. */
export function narrativeSentences(text: string): string[] {
  return text
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
