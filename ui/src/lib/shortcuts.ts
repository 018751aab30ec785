// The keyboard shortcuts, in one place so the help text and the handlers
// cannot disagree.

export type Action =
  | { kind: "save" }
  | { kind: "lock" }
  | { kind: "timer" }
  | { kind: "outcome"; callType: string };

/** One chord each for the short outcomes, logged at once. */
export const OUTCOME_KEYS: readonly { key: string; callType: string; label: string }[] = [
  { key: "1", callType: "silent", label: "Silent" },
  { key: "2", callType: "hang_up", label: "Hang-up" },
  { key: "3", callType: "wrong_number", label: "Wrong number" },
  { key: "4", callType: "information_only", label: "Information only" },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function actionFor(e: KeyLike): Action | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && e.key === "Enter") return { kind: "save" };
  if (ctrl && !e.altKey && e.shiftKey && (e.key === "L" || e.key === "l")) return { kind: "lock" };
  if (e.altKey && !ctrl && (e.key === "t" || e.key === "T")) return { kind: "timer" };
  if (e.altKey && !ctrl) {
    const outcome = OUTCOME_KEYS.find((o) => o.key === e.key);
    if (outcome) return { kind: "outcome", callType: outcome.callType };
  }
  return null;
}
