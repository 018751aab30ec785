// The Returns screen's decisions that are not the library's: which chosen
// files a merge sends, which new volunteers it trusts, and how results are
// worded. Opening, verifying and merging happen in the library; this only
// decides what to ask it.
import type { ReturnFile } from "./bindings/ReturnFile";
import type { VolunteerRow } from "./bindings/VolunteerRow";

/** What a merge asks for: the files, and the new volunteers confirmed. */
export interface MergePlan {
  paths: string[];
  trust: string[];
  /** New volunteers' files still waiting for their fingerprint to be ticked. */
  waiting: number;
}

/**
 * Files from trusted volunteers merge; a new volunteer's only once the
 * coordinator has ticked that they checked the fingerprint with them, and
 * then only that fingerprint is trusted. Files merged before and refused
 * files are left out: merging them would change nothing.
 */
export function mergePlan(files: readonly ReturnFile[], confirmed: ReadonlySet<string>): MergePlan {
  const paths: string[] = [];
  const trust = new Set<string>();
  let waiting = 0;
  for (const f of files) {
    if (f.state === "ready") paths.push(f.path);
    else if (f.state === "new_volunteer") {
      if (confirmed.has(f.fingerprint)) {
        paths.push(f.path);
        trust.add(f.fingerprint);
      } else waiting++;
    }
  }
  return { paths, trust: [...trust], waiting };
}

/**
 * The list after choosing more files: a file chosen again is replaced by
 * its new check (it may have been merged since), and the order of first
 * choosing is kept.
 */
export function withChecked(
  list: readonly ReturnFile[],
  checked: readonly ReturnFile[],
): ReturnFile[] {
  const fresh = new Map(checked.map((f) => [f.path, f]));
  const kept = list.map((f) => fresh.get(f.path) ?? f);
  const known = new Set(list.map((f) => f.path));
  return [...kept, ...checked.filter((f) => !known.has(f.path))];
}

/** Paths as typed, dropped or chosen: trimmed, blanks and repeats dropped. */
export function cleanPaths(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.trim()).filter((p) => p !== ""))];
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}

/** "2023/24: 120 calls; 2024/25: 80 calls", or a dash when none. */
export function callsByYearText(row: VolunteerRow): string {
  if (row.calls_by_year.length === 0) return "None yet";
  return row.calls_by_year.map((y) => `${y.label}: ${plural(y.calls, "call")}`).join("; ");
}

/** A typed year as a number, or null unless it is four digits. */
export function yearOf(text: string): number | null {
  const t = text.trim();
  return /^\d{4}$/.test(t) ? Number(t) : null;
}
