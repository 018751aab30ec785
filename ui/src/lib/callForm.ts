// What the call form needs to decide on the keyboard's behalf: whether the
// form holds a call yet, and the quick follow-up dates. The rules a call
// must meet live in Rust; these only steer the screen.
import type { CallForm } from "./bindings/CallForm";
import { longDate } from "./dates";

/** Fields that say who rang and what about: what a slip must never lose. */
type ContentField = Exclude<
  keyof CallForm,
  "id" | "draft_generation" | "timer_started_ms" | "started_at" | "duration_minutes" | "call_type"
>;

function content(form: CallForm): Record<ContentField, unknown> {
  return {
    role: form.role,
    setting: form.setting,
    employer: form.employer,
    region: form.region,
    caller_type: form.caller_type,
    themes: form.themes,
    risk: form.risk,
    safeguarding: form.safeguarding,
    follow_up_needed: form.follow_up_needed,
    follow_up_due: form.follow_up_due.trim(),
    follow_up_done: form.follow_up_done,
    notes: form.notes.trim(),
    theme_text: form.theme_text.trim(),
  };
}

/** Whether `form` holds anything beyond a blank form's answers (`blank`
 *  comes from the backend, so the defaults are never written twice). */
export function hasContent(form: CallForm, blank: CallForm): boolean {
  return JSON.stringify(content(form)) !== JSON.stringify(content(blank));
}

/** The quick choices for a follow-up's due date. */
export const DUE_CHOICES: readonly { label: string; days: number }[] = [
  { label: "Tomorrow", days: 1 },
  { label: "In 2 days", days: 2 },
  { label: "In a week", days: 7 },
];

/** The date `days` after `today`, as the due-date box shows it. */
export function dueIn(days: number, today: Date = new Date()): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + days, 12);
  return longDate(d);
}
