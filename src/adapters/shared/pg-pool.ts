/**
 * The one way this project opens a PostgreSQL connection pool (the main database through
 * Prisma's adapter, the key vault through pg directly).
 *
 * pg-pool listens for errors only on idle connections: a connection handed out has none
 * until its borrower adds one. Prisma's adapter borrows with `await pool.connect()` and adds
 * its listener a microtask later, but a brand-new connection can receive its ReadyForQuery
 * and a FATAL (57P01, a terminated backend or a server restart) in the same socket read:
 * the error is then emitted synchronously between the two, on a connection with no
 * listener, and Node ends the process ("Unhandled 'error' event"). Every connection of
 * these pools therefore carries a listener for its whole life; what it hears is told to
 * `onError` (the caller logs it). The borrower still learns of the failure from its next
 * query ("not queryable"), which the store maps to DATABASE_UNAVAILABLE, and the pool drops
 * the dead connection when it comes back.
 */
import pg from "pg";

export interface PoolOptions {
  connectionString: string;
  max: number;
  connectionTimeoutMillis: number;
  onError: (e: Error) => void;
}

export function openPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max, connectionTimeoutMillis: opts.connectionTimeoutMillis });
  // Every connection's error, idle or handed out, is told once, by the connection's own
  // listener; the pool's event repeats it for idle ones (and then drops the connection).
  pool.on("connect", (client) => client.on("error", opts.onError));
  pool.on("error", () => {});
  return pool;
}
