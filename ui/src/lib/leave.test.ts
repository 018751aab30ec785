import { describe, expect, it } from "vitest";
import { mayLeave, registerLeaveCheck } from "./leave";

describe("the leave check", () => {
  it("lets go when no screen asks", async () => {
    expect(await mayLeave()).toBe(true);
  });

  it("asks the registered screen, until it is removed", async () => {
    const remove = registerLeaveCheck(async () => false);
    expect(await mayLeave()).toBe(false);
    remove();
    expect(await mayLeave()).toBe(true);
  });

  it("keeps a newer screen's check when an older one is removed late", async () => {
    const older = registerLeaveCheck(async () => false);
    const newer = registerLeaveCheck(async () => false);
    older();
    expect(await mayLeave()).toBe(false);
    newer();
  });

  it("never traps the volunteer when a check fails", async () => {
    const remove = registerLeaveCheck(() => Promise.reject(new Error("broken")));
    expect(await mayLeave()).toBe(true);
    remove();
  });
});
