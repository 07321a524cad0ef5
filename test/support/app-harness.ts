/** Starts the real server (real database, real models) on a free port for end-to-end tests. */
import { startApp, type App, type AppOverrides } from "../../src/app/app.js";
import { createTestDatabase, type DbKind, type TestDatabase } from "./databases.js";
import { sharedEngine, testConfig } from "./engine.js";
import { bearer, gql } from "./graphql-client.js";

export interface TestApp {
  app: App;
  db: TestDatabase;
  url: string;
  /** Creates a tenant through the admin mutation; returns its id and API key headers. */
  createTenant(name: string, scopes?: string[]): Promise<{ tenantId: string; apiKey: string; headers: Record<string, string> }>;
  /** Raw SQL behind the application's back (through its own connection). */
  sql<T = Record<string, unknown>>(query: string): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startTestApp(kind: DbKind, env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestApp> {
  const db = await createTestDatabase(kind);
  const config = testConfig({ PORT: "0", ...db.env, ...env });
  const app = await startApp(config, { engine: await sharedEngine(), ...overrides });
  return {
    app,
    db,
    url: app.url,
    async createTenant(name, scopes) {
      const r = await gql(app.url, `mutation($n: String!, $s: [String!]) { createTenant(name: $n, scopes: $s) { tenantId apiKey } }`, { n: name, s: scopes ?? null }, { "x-admin-token": app.adminToken });
      if (!r.data) throw new Error(`createTenant failed: ${JSON.stringify(r.errors)}`);
      const { tenantId, apiKey } = r.data["createTenant"] as { tenantId: string; apiKey: string };
      return { tenantId, apiKey, headers: bearer(apiKey) };
    },
    sql: <T>(query: string) => app.database.prisma.$queryRawUnsafe<T[]>(query),
    async stop() {
      await app.close();
      await db.drop();
    },
  };
}
