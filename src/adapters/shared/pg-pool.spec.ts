/**
 * A connection that the server terminates in the same socket read that made it ready
 * (ReadyForQuery, then a FATAL 57P01) is emitting its error before the borrower of
 * `await pool.connect()` can listen: with a plain pg.Pool that ends the process. A
 * stand-in PostgreSQL server on the loopback answers every startup exactly that way.
 */
import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPool } from "./pg-pool.js";

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string) => Buffer.from(`${s}\0`, "utf8");
const READY_THEN_TERMINATED = Buffer.concat([
  message("R", Buffer.from([0, 0, 0, 0])), // AuthenticationOk
  message("Z", Buffer.from("I")), // ReadyForQuery
  message("E", Buffer.concat([cstr("SFATAL"), cstr("VFATAL"), cstr("C57P01"), cstr("Mterminating connection due to administrator command"), Buffer.from([0])])),
]);

describe("openPool", () => {
  let server: net.Server;
  let url: string;
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => void uncaught.push(e);

  beforeAll(async () => {
    server = net.createServer((socket) => {
      socket.once("data", () => socket.end(READY_THEN_TERMINATED));
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `postgresql://u@127.0.0.1:${(server.address() as net.AddressInfo).port}/db`;
    process.on("uncaughtException", onUncaught);
  });
  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    await new Promise((resolve) => server.close(resolve));
  });

  it("survives a connection terminated as it becomes ready, and tells onError", async () => {
    const told: Error[] = [];
    const pool = openPool({ connectionString: url, max: 2, connectionTimeoutMillis: 2_000, onError: (e) => void told.push(e) });
    const client = await pool.connect();
    await new Promise((r) => setTimeout(r, 50));
    await expect(client.query("SELECT 1")).rejects.toThrow(/not queryable|terminated/i);
    client.release(true);
    await pool.end();
    expect(uncaught).toEqual([]);
    expect(told.map((e) => (e as Error & { code?: string }).code)).toContain("57P01");
  });

  it("keeps Prisma's adapter alive when a transaction's new connection is terminated so", async () => {
    const pool = openPool({ connectionString: url, max: 2, connectionTimeoutMillis: 2_000, onError: () => {} });
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    // BEGIN fails on the dead connection; what matters is that the process is still here.
    await expect(adapter.startTransaction()).rejects.toBeDefined();
    await new Promise((r) => setTimeout(r, 50));
    await adapter.dispose();
    expect(uncaught).toEqual([]);
  });
});
