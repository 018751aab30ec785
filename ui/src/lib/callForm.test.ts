import { describe, expect, it } from "vitest";
import type { CallForm } from "./bindings/CallForm";
import { dueIn, hasContent } from "./callForm";

const blank: CallForm = {
  id: "a",
  draft_generation: 0,
  timer_started_ms: null,
  started_at: "2026-12-02T10:00",
  duration_minutes: "",
  call_type: "substantive",
  role: "",
  setting: "",
  employer: "",
  region: "",
  caller_type: "unknown",
  themes: [],
  risk: "none",
  safeguarding: {
    asked_directly_about_suicide: false,
    plan_discussed: false,
    means_discussed: false,
    timeframe_discussed: false,
    emergency_services_called: false,
    signposted: [],
    coordinator_consulted: false,
    coordinator_consulted_at: "",
    other_steps: [],
  },
  follow_up_needed: false,
  follow_up_due: "",
  follow_up_done: false,
  notes: "",
  theme_text: "",
};

describe("the call form", () => {
  it("holds no call while only its time, length and timer are set", () => {
    expect(
      hasContent(
        {
          ...blank,
          id: "b",
          started_at: "2026-12-02T11:00",
          duration_minutes: "3",
          timer_started_ms: 5,
        },
        blank,
      ),
    ).toBe(false);
  });

  it("holds a call once anything about the caller is typed", () => {
    expect(hasContent({ ...blank, role: "headteacher" }, blank)).toBe(true);
    expect(hasContent({ ...blank, notes: "Synthetic" }, blank)).toBe(true);
    expect(hasContent({ ...blank, risk: "high" }, blank)).toBe(true);
    expect(hasContent({ ...blank, theme_text: "sleep" }, blank)).toBe(true);
    expect(
      hasContent(
        { ...blank, safeguarding: { ...blank.safeguarding, plan_discussed: true } },
        blank,
      ),
    ).toBe(true);
  });

  it("offers due dates UK style, across months and years", () => {
    const today = new Date(2026, 11, 29, 9);
    expect(dueIn(1, today)).toBe("Wed 30 Dec 2026");
    expect(dueIn(7, today)).toBe("Tue 5 Jan 2027");
  });
});
