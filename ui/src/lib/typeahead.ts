// Type-ahead matching for the pickers: the best matches first, so a
// volunteer can type a few letters and press Enter.

export interface Matchable {
  id: string;
  label: string;
  /** Everyday words or phrases that also find this option ("money" for funding). */
  words?: readonly string[];
  /** Extra words that also match (a subtheme's category, say). */
  also?: string;
}

const SEPARATORS = /[\s\-–,()]+/;

/** Lowercase words joined by single spaces: "Self-harm" and "self  harm" are alike. */
function words(text: string): string {
  return text.toLowerCase().split(SEPARATORS).filter(Boolean).join(" ");
}

/** Whether `query` starts one of the words of `phrase` (or a run of them). */
function startsAWord(query: string, phrase: string): boolean {
  return ` ${words(phrase)}`.includes(` ${query}`);
}

/** "nw" for North West: the first letters of a label of two words or more. */
function initials(label: string): string {
  const parts = label.split(SEPARATORS).filter(Boolean);
  return parts.length > 1 ? parts.map((w) => w[0]).join("") : "";
}

function rank(query: string, option: Matchable): number {
  const label = option.label.toLowerCase();
  if (label === query) return 0;
  if (label.startsWith(query)) return 1;
  if (label.split(SEPARATORS).some((word) => word.startsWith(query))) return 2;
  if (label.includes(query)) return 3;
  if (initials(label) === query) return 3;
  const asWords = words(query);
  if (asWords !== "" && option.words?.some((phrase) => startsAWord(asWords, phrase))) return 4;
  if (option.id.toLowerCase().includes(query.replace(/\s+/g, "_"))) return 5;
  if (option.also?.toLowerCase().includes(query)) return 6;
  return -1;
}

/**
 * Options matching `query`, best first; all of them, in order, for an empty
 * query. Labels come first, then an option's everyday words (`words`), then
 * its id, then `also`.
 */
export function matchChoices<T extends Matchable>(query: string, options: readonly T[]): T[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...options];
  return options
    .map((option, index) => ({ option, index, rank: rank(q, option) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.option);
}
