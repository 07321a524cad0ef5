/** The Prisma handle repositories work on: the client itself, or a transaction's client. */
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";

export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Locks one of a tenant's rows until the transaction ends (FOR UPDATE): concurrent writers
 * of the same row wait, then see what the first one did. False when there is no such row.
 */
export async function lockRow(db: Db, table: "Gallery" | "DataSubjectRequest", tenantId: string, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM ${Prisma.raw(`"${table}"`)} WHERE "id" = ${id} AND "tenantId" = ${tenantId} FOR UPDATE`;
  return rows.length > 0;
}

/** Prisma's Bytes columns take Uint8Array<ArrayBuffer>; copies views over other buffers. */
export function bytes(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : new Uint8Array(u);
}
