import { describe, expect, it } from "vitest";
import { keepEdits } from "./edits";

describe("keepEdits", () => {
  const saved = { name: "Robin", zone: "Europe/London", list: ["a"] };
  it("takes what the backend changed and keeps what only the screen changed", () => {
    const edited = { ...saved, name: "Robin S" };
    const fresh = { ...saved, zone: "Europe/Dublin", list: ["a", "b"] };
    expect(keepEdits(saved, edited, fresh)).toEqual({
      name: "Robin S",
      zone: "Europe/Dublin",
      list: ["a", "b"],
    });
  });
  it("lets the backend win where both changed", () => {
    const edited = { ...saved, zone: "Europe/Paris" };
    const fresh = { ...saved, zone: "Europe/Dublin" };
    expect(keepEdits(saved, edited, fresh).zone).toBe("Europe/Dublin");
  });
});
