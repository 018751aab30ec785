import { describe, expect, it } from "vitest";
import type { ReturnFile } from "./bindings/ReturnFile";
import type { ReturnFileState } from "./bindings/ReturnFileState";
import { isField } from "./contract";
import type { Field } from "./bindings/Field";
import { callsByYearText, cleanPaths, mergePlan, plural, withChecked, yearOf } from "./returns";

function file(path: string, state: ReturnFileState, fingerprint = ""): ReturnFile {
  return {
    path,
    file_name: path.split("/").pop() ?? path,
    state,
    volunteer: fingerprint ? "Alex" : "",
    fingerprint,
    period: "2024/25",
    calls: 3,
    deleted: 0,
    made_on: "1 Sep 2025",
    problem: state === "refused" ? "This file is not a Quietline return." : "",
    warning: "",
  };
}

describe("mergePlan", () => {
  const files = [
    file("/r/ready", "ready", "AAAA-BBBB-CCCC-DDDD"),
    file("/r/new", "new_volunteer", "EEEE-FFFF-GGGG-HHHH"),
    file("/r/new-again", "new_volunteer", "EEEE-FFFF-GGGG-HHHH"),
    file("/r/other-new", "new_volunteer", "JJJJ-KKKK-LLLL-MMMM"),
    file("/r/merged", "already_merged", "AAAA-BBBB-CCCC-DDDD"),
    file("/r/bad", "refused"),
  ];

  it("merges trusted volunteers' files and holds back new volunteers until ticked", () => {
    expect(mergePlan(files, new Set())).toEqual({ paths: ["/r/ready"], trust: [], waiting: 3 });
  });

  it("trusts exactly the fingerprints ticked, once each, with all their files", () => {
    expect(mergePlan(files, new Set(["EEEE-FFFF-GGGG-HHHH"]))).toEqual({
      paths: ["/r/ready", "/r/new", "/r/new-again"],
      trust: ["EEEE-FFFF-GGGG-HHHH"],
      waiting: 1,
    });
  });

  it("never sends refused or already merged files, whatever is ticked", () => {
    const plan = mergePlan(
      [file("/r/merged", "already_merged", "X"), file("/r/bad", "refused")],
      new Set(["X", ""]),
    );
    expect(plan).toEqual({ paths: [], trust: [], waiting: 0 });
  });
});

describe("withChecked", () => {
  it("keeps the order files were first chosen and replaces a re-checked one", () => {
    const list = [file("/a", "new_volunteer", "F"), file("/b", "ready", "G")];
    const again = [file("/c", "refused"), file("/a", "already_merged", "F")];
    expect(withChecked(list, again).map((f) => [f.path, f.state])).toEqual([
      ["/a", "already_merged"],
      ["/b", "ready"],
      ["/c", "refused"],
    ]);
  });
});

describe("small wording and input helpers", () => {
  it("cleans typed and dropped paths", () => {
    expect(cleanPaths([" /a.qlreturn ", "", "/a.qlreturn", "/b c.qlreturn"])).toEqual([
      "/a.qlreturn",
      "/b c.qlreturn",
    ]);
  });

  it("counts in words", () => {
    expect(plural(1, "call")).toBe("1 call");
    expect(plural(1200, "call")).toBe("1,200 calls");
    expect(plural(0, "deletion")).toBe("0 deletions");
  });

  it("lists a volunteer's calls by academic year", () => {
    const row = {
      name: "Alex",
      fingerprint: "F",
      trusted_on: "",
      revoked_on: null,
      last_return_on: null,
      returns_merged: 0,
      calls_by_year: [],
    };
    expect(callsByYearText(row)).toBe("None yet");
    expect(
      callsByYearText({
        ...row,
        calls_by_year: [
          { label: "2023/24", calls: 1 },
          { label: "2024/25", calls: 80 },
        ],
      }),
    ).toBe("2023/24: 1 call; 2024/25: 80 calls");
  });

  it("matches a field by the one name Rust gives it", () => {
    const e = (field: string | null) => ({ code: "invalid", message: "m", field });
    // The words a message names a field by are not its name.
    expect(isField(e("coordinator key"), "coordinator_key")).toBe(false);
    expect(isField(e("coordinator_key" satisfies Field), "coordinator_key")).toBe(true);
    expect(isField(e("path"), "coordinator_key")).toBe(false);
    expect(isField(e(null), "path")).toBe(false);
    expect(isField(new Error("x"), "path")).toBe(false);
  });

  it("reads a year only as four digits", () => {
    expect(yearOf(" 2024 ")).toBe(2024);
    expect(yearOf("24")).toBeNull();
    expect(yearOf("2024/25")).toBeNull();
  });
});
