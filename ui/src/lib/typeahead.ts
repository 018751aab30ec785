// Type-ahead matching for the pickers: the best matches first, so a
// volunteer can type a few letters and press Enter.

export interface Matchable {
  id: string;
  label: string;
  /** Extra words that also match (a subtheme's category, say). */
  also?: string;
}

function rank(query: string, option: Matchable): number {
  const label = option.label.toLowerCase();
  if (label === query) return 0;
  if (label.startsWith(query)) return 1;
  if (label.split(/[\s\-–,()]+/).some((word) => word.startsWith(query))) return 2;
  if (label.includes(query)) return 3;
  if (option.id.toLowerCase().includes(query.replace(/\s+/g, "_"))) return 4;
  if (option.also?.toLowerCase().includes(query)) return 5;
  return -1;
}

/** Options matching `query`, best first; all of them, in order, for an empty query. */
export function matchChoices<T extends Matchable>(query: string, options: readonly T[]): T[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...options];
  return options
    .map((option, index) => ({ option, index, rank: rank(q, option) }))
    .filter((m) => m.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.option);
}
