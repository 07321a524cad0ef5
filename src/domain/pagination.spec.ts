import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.js";
import { MAX_PAGE, encodeCursor, pageRequest } from "./pagination.js";

const reasonOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? e.reason : "other";
  }
  return "none";
};

describe("pagination", () => {
  it("reads back the cursor it made", () => {
    const item = { at: new Date("2026-12-03T10:00:00.123Z"), id: "sub_abc" };
    expect(pageRequest(5, encodeCursor(item.at, item.id))).toEqual({ first: 5, after: item });
    expect(pageRequest(undefined, null)).toEqual({ first: 20, after: null });
  });

  it("refuses sizes out of range and cursors it did not make", () => {
    for (const first of [0, -1, MAX_PAGE + 1, 2.5]) expect(reasonOf(() => pageRequest(first, null))).toBe("INVALID_INPUT");
    for (const after of ["", "x", Buffer.from("[1,2]").toString("base64url"), Buffer.from('["not a date","a"]').toString("base64url"), Buffer.from('{"a":1}').toString("base64url")]) {
      expect(reasonOf(() => pageRequest(10, after)), after).toBe("INVALID_INPUT");
    }
  });
});
