/**
 * The real server process (dist/src/main.js) on a fresh PostgreSQL database of its own,
 * as the load benchmarks start it: its URL, an admin token, a GraphQL helper and cleanup
 * (stops the server, drops the databases).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export interface BenchServer {
  url: string;
  base: string;
  adminToken: string;
  process: ChildProcess;
  gql(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<{ data?: Record<string, any>; errors?: { extensions?: { code?: string; reason?: string } }[] }>;
  /** A tenant's API key headers. */
  tenant(name: string): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startBenchServer(extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BenchServer> {
  const serverUrl = process.env["DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/test";
  const name = `fid_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`CREATE DATABASE ${name}_vault`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${name}`;
  const vaultUrl = new URL(serverUrl);
  vaultUrl.pathname = `/${name}_vault`;
  const port = await freePort();
  const adminToken = randomBytes(24).toString("base64url");
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    KEY_VAULT_URL: vaultUrl.toString(),
    KEK_MASTER_KEY: randomBytes(32).toString("base64"),
    ADMIN_TOKEN: adminToken,
    PORT: String(port),
    LOG_LEVEL: "error",
    RATE_LIMIT_PER_KEY: "10000000",
    RATE_LIMIT_PER_ADDRESS: "10000000",
    ...extraEnv,
  };
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "dist", "src", "main.js")], { env, stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/graphql`;
  server.once("exit", (code) => {
    if (code !== null && code !== 0) {
      console.error(`the server exited with code ${code}`);
      process.exit(1);
    }
  });
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/health/live`).catch(() => null))?.status === 200) break;
    if (i > 600) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  // node:http on kept-alive connections rather than fetch: the load generator shares the
  // cores with the server and PostgreSQL, and undici's fetch costs it about three times the
  // CPU per call.
  const agent = new http.Agent({ keepAlive: true });
  const gql: BenchServer["gql"] = (query, variables, headers) => {
    const body = Buffer.from(JSON.stringify({ query, variables }));
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Awaited<ReturnType<BenchServer["gql"]>>);
          } catch (e) {
            reject(e);
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  };
  return {
    url,
    base,
    adminToken,
    process: server,
    gql,
    async tenant(tenantName) {
      const created = await gql(`mutation($n: String!) { createTenant(name: $n) { apiKey } }`, { n: tenantName }, { "x-admin-token": adminToken });
      return { authorization: `Bearer ${created.data!["createTenant"].apiKey}` };
    },
    async cleanup() {
      agent.destroy();
      server.removeAllListeners("exit");
      server.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${name}_vault WITH (FORCE)`);
      await admin.end();
    },
  };
}
