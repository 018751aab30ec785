// The Report screen's small pieces of logic that are not counting: which
// period to offer first, and the narrative as one editable text.

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

/** One paragraph per line in the editor. */
export function narrativeText(sentences: string[]): string {
  return sentences.join("\n");
}

/** The editor's text back as paragraphs, blank lines dropped. */
export function narrativeSentences(text: string): string[] {
  return text.split("\n").map((s) => s.trim()).filter((s) => s !== "");
}
