/** The Prisma handle repositories work on: the client itself, or a transaction's client. */
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";

export type Db = PrismaClient | Prisma.TransactionClient;

/** Prisma's Bytes columns take Uint8Array<ArrayBuffer>; copies views over other buffers. */
export function bytes(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : new Uint8Array(u);
}
