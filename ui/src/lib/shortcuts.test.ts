import { describe, expect, it } from "vitest";
import type { Rules } from "./bindings/Rules";
import { actionFor } from "./shortcuts";
import rulesJson from "./testing/rules.json";

const shortCalls = (rulesJson as Rules).short_call_keys;

const key = (k: string, mods: Partial<{ ctrl: boolean; alt: boolean; shift: boolean }> = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: false,
  altKey: mods.alt ?? false,
  shiftKey: mods.shift ?? false,
});

describe("shortcuts", () => {
  it("maps each chord to its action", () => {
    expect(actionFor(key("Enter", { ctrl: true }))).toEqual({ kind: "save" });
    expect(actionFor(key("L", { ctrl: true, shift: true }))).toEqual({ kind: "lock" });
    expect(actionFor(key("t", { alt: true }))).toEqual({ kind: "timer" });
    expect(actionFor(key("2", { alt: true }), shortCalls)).toEqual({
      kind: "outcome",
      callType: "hang_up",
    });
  });

  it("leaves ordinary typing alone", () => {
    for (const k of ["Enter", "1", "l", "t"]) expect(actionFor(key(k), shortCalls)).toBeNull();
    expect(actionFor(key("l", { ctrl: true }))).toBeNull();
  });
});
