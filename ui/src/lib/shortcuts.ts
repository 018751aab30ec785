// The keyboard shortcuts, in one place so the help text and the handlers
// cannot disagree. Which Alt+digit logs which short call is Rust's
// (`Rules::short_call_keys`).
import type { ShortCallKey } from "./bindings/ShortCallKey";

export type Action =
  { kind: "save" } | { kind: "lock" } | { kind: "timer" } | { kind: "outcome"; callType: string };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The action a chord asks for; `shortCalls` are the Alt+digit short calls. */
export function actionFor(e: KeyLike, shortCalls: readonly ShortCallKey[] = []): Action | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && e.key === "Enter") return { kind: "save" };
  if (ctrl && !e.altKey && e.shiftKey && (e.key === "L" || e.key === "l")) return { kind: "lock" };
  if (e.altKey && !ctrl && (e.key === "t" || e.key === "T")) return { kind: "timer" };
  if (e.altKey && !ctrl) {
    const outcome = shortCalls.find((o) => o.key === e.key);
    if (outcome) return { kind: "outcome", callType: outcome.call_type };
  }
  return null;
}
