/**
 * CPU per query of the data-access path, on a fresh PostgreSQL database: the same
 * one-row read through Prisma's client (as the repositories do), through Prisma's $queryRaw,
 * and through `pg` directly, and an empty interactive transaction. What bench:load's main
 * thread spends per call is mostly this times the statements a call makes.
 * Usage: npm run build && node dist/scripts/bench-db.js [--queries 3000]
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "../src/adapters/db/database.js";

const at = process.argv.indexOf("--queries");
const n = at > 0 ? Number(process.argv[at + 1]) : 3000;
const serverUrl = process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test";
const name = `fid_benchdb_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const db = await openDatabase({ kind: "postgres", url: url.toString() });
const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
try {
  const prisma = db.prisma;
  await prisma.tenant.create({ data: { id: "ten_b", name: "bench", createdAt: new Date() } });
  await prisma.subject.create({ data: { id: "sub_b", tenantId: "ten_b", createdAt: new Date() } });
  const time = async (label: string, query: () => Promise<unknown>, count = n) => {
    for (let i = 0; i < 300; i++) await query();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await query();
    const cpu = process.cpuUsage(cpu0);
    console.log(`${label.padEnd(44)} ${(((cpu.user + cpu.system) / 1000) / count).toFixed(3)} ms CPU, ${((performance.now() - t0) / count).toFixed(3)} ms wall per call`);
  };
  await time("subject.findFirst (Prisma client)", () => prisma.subject.findFirst({ where: { id: "sub_b", tenantId: "ten_b" } }));
  await time("subject.findFirst with its consents", () => prisma.subject.findFirst({ where: { id: "sub_b", tenantId: "ten_b" }, include: { consents: true } }));
  await time("the same row through Prisma's $queryRaw", () => prisma.$queryRaw`SELECT * FROM "Subject" WHERE "id" = ${"sub_b"} AND "tenantId" = ${"ten_b"}`);
  await time("the same row through pg", () => pool.query(`SELECT * FROM "Subject" WHERE "id" = $1 AND "tenantId" = $2`, ["sub_b", "ten_b"]));
  await time("an empty interactive transaction (Prisma)", () => prisma.$transaction(async () => undefined), Math.ceil(n / 3));
} finally {
  await pool.end();
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
