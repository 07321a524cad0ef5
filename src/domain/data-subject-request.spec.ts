import { describe, expect, it } from "vitest";
import { addMonths, daysLeft, extendDueDate, initialDueDate, type DataSubjectRequest } from "./data-subject-request.js";
import { DomainError } from "./errors.js";

const d = (s: string) => new Date(s);

describe("data subject request deadlines", () => {
  it("is due one calendar month after opening, clamped to the month's end", () => {
    expect(initialDueDate(d("2026-01-15T10:00:00Z"))).toEqual(d("2026-02-15T10:00:00Z"));
    expect(initialDueDate(d("2026-01-31T10:00:00Z"))).toEqual(d("2026-02-28T10:00:00Z"));
    expect(addMonths(d("2028-01-31T00:00:00Z"), 1)).toEqual(d("2028-02-29T00:00:00Z"));
    expect(addMonths(d("2026-11-30T00:00:00Z"), 2)).toEqual(d("2027-01-30T00:00:00Z"));
  });

  const request = (over: Partial<DataSubjectRequest> = {}): DataSubjectRequest => ({
    id: "dsr_1",
    tenantId: "t",
    subjectId: "s",
    kind: "EXPORT",
    status: "IN_PROGRESS",
    openedAt: d("2026-03-01T00:00:00Z"),
    dueAt: d("2026-04-01T00:00:00Z"),
    extendedAt: null,
    extensionReason: null,
    identityVerifiedAt: null,
    identityMethod: null,
    identityEvidence: null,
    completedAt: null,
    fulfilmentStartedAt: null,
    result: null,
    ...over,
  });

  it("counts the days left, negative when overdue", () => {
    expect(daysLeft(request(), d("2026-03-01T00:00:00Z"))).toBe(31);
    expect(daysLeft(request(), d("2026-03-31T12:00:00Z"))).toBe(1);
    expect(daysLeft(request(), d("2026-04-03T00:00:00Z"))).toBe(-2);
  });

  it("extends once by two months, with a reason", () => {
    expect(extendDueDate(request(), "many requests received this month")).toEqual(d("2026-06-01T00:00:00Z"));
    expect(() => extendDueDate(request(), "busy")).toThrow(DomainError);
    expect(() => extendDueDate(request({ extendedAt: d("2026-03-05T00:00:00Z") }), "many requests received this month")).toThrow(/already extended/);
    expect(() => extendDueDate(request({ status: "COMPLETED" }), "many requests received this month")).toThrow(/completed/);
  });
});
