import { describe, expect, it } from "vitest";
import { DomainError } from "../../domain/errors.js";
import { classifyStoreError, mappingErrors, toStoreError } from "./sql-errors.js";

/** Errors shaped as pg and Prisma's driver adapter raise them. */
const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code, severity: "ERROR" });
const prismaError = (code: string, cause?: object) => Object.assign(new Error("prisma"), { code, meta: cause ? { driverAdapterError: { cause } } : undefined });

describe("classifyStoreError", () => {
  it("knows serialization failures and deadlocks, from pg and through Prisma", () => {
    expect(classifyStoreError(pgError("40001"))).toBe("conflict");
    expect(classifyStoreError(pgError("40P01"))).toBe("conflict");
    expect(classifyStoreError(prismaError("P2034"))).toBe("conflict");
    expect(classifyStoreError(prismaError("P2010", { kind: "TransactionWriteConflict" }))).toBe("conflict");
  });

  it("knows lost and refused connections", () => {
    expect(classifyStoreError(pgError("57P01", "terminating connection due to administrator command"))).toBe("unavailable");
    expect(classifyStoreError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe("unavailable");
    expect(classifyStoreError(new Error("Connection terminated unexpectedly"))).toBe("unavailable");
    expect(classifyStoreError(prismaError("P1017"))).toBe("unavailable");
    expect(classifyStoreError(prismaError("P2028"))).toBe("unavailable");
    expect(classifyStoreError(Object.assign(new Error("wrapped"), { cause: pgError("08006") }))).toBe("unavailable");
  });

  it("knows unique violations, and leaves other errors and domain errors alone", () => {
    expect(classifyStoreError(pgError("23505"))).toBe("duplicate");
    expect(classifyStoreError(pgError("23503"))).toBe("gone");
    expect(toStoreError(pgError("23503"))).toMatchObject({ reason: "CONCURRENTLY_DELETED", kind: "CONFLICT" });
    expect(classifyStoreError(pgError("23502"))).toBeNull();
    expect(classifyStoreError(new Error("some bug"))).toBeNull();
    expect(classifyStoreError(new DomainError("NO_FACE", "Connection terminated"))).toBeNull();
  });

  it("maps to the domain's reasons", () => {
    expect(toStoreError(pgError("40P01"))).toMatchObject({ reason: "TRANSACTION_CONFLICT" });
    expect(toStoreError(pgError("57P01"), "KEY_VAULT_UNAVAILABLE")).toMatchObject({ reason: "KEY_VAULT_UNAVAILABLE", kind: "UNAVAILABLE" });
    const bug = new Error("bug");
    expect(toStoreError(bug)).toBe(bug);
  });

  it("mappingErrors maps rejections of every method and keeps results", async () => {
    const repo = mappingErrors({ ok: async () => 1, down: async () => Promise.reject(pgError("57P01")), sync: () => 2 });
    expect(await repo.ok()).toBe(1);
    expect(repo.sync()).toBe(2);
    await expect(repo.down()).rejects.toMatchObject({ reason: "DATABASE_UNAVAILABLE" });
  });
});
