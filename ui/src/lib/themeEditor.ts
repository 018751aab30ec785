// The theme list editor's small decisions that are not the library's: the
// id offered for a new theme's label, the draft's themes grouped by
// category, and finding a theme by what is typed. Whether a change is
// allowed, and what it does, is the library's (`edit_theme_draft`).
import type { ThemeLine } from "./bindings/ThemeLine";

/**
 * The id offered for a new theme, from its label: lowercase words joined
 * by `_` ("Online abuse" → `online_abuse`), accents dropped. Only an offer:
 * the coordinator may change it, and the library checks it.
 */
export function suggestedId(label: string): string {
  return label
    .normalize("NFD")
    .replaceAll(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replaceAll("&", " and ")
    .replaceAll(/[^a-z0-9]+/g, "_")
    .replaceAll(/^_+|_+$/g, "");
}

/** A category of the draft and its subthemes, in list order. */
export interface ThemeGroup {
  category: ThemeLine;
  subthemes: ThemeLine[];
}

/** The draft's themes (categories, each followed by its subthemes) as groups. */
export function groupThemes(lines: readonly ThemeLine[]): ThemeGroup[] {
  const groups: ThemeGroup[] = [];
  for (const line of lines) {
    if (line.is_category) groups.push({ category: line, subthemes: [] });
    else groups[groups.length - 1]?.subthemes.push(line);
  }
  return groups;
}

/**
 * The groups with a theme whose label, description or id holds every word
 * typed: a category that matches keeps all its subthemes, otherwise only
 * the subthemes that match are kept. Nothing typed keeps everything.
 */
export function findThemes(groups: readonly ThemeGroup[], typed: string): ThemeGroup[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...groups];
  const matches = (t: ThemeLine) => {
    const text = `${t.label} ${t.description} ${t.id}`.toLowerCase();
    return words.every((w) => text.includes(w));
  };
  return groups.flatMap((g) => {
    if (matches(g.category)) return [g];
    const subthemes = g.subthemes.filter(matches);
    return subthemes.length > 0 ? [{ category: g.category, subthemes }] : [];
  });
}

/** Whether two lists of theme ids are the same, in the same order. */
export function sameThemes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
