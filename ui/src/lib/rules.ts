// The limits and labels the screens show, asked of the backend once: they
// are Rust's (`Rules`), so no screen holds its own copy.
import { backend } from "$ipc";
import type { Rules } from "./bindings/Rules";

let asked: Promise<Rules> | null = null;

/** The backend's rules; asked once, and again if that failed. */
export function loadRules(): Promise<Rules> {
  asked ??= backend.rules().catch((e: unknown) => {
    asked = null;
    throw e;
  });
  return asked;
}
