/** Server entry point: `npm start`. Reads the environment, starts, prints where to go next. */
import { startApp } from "./app/app.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { startTelemetry, stopTelemetry } from "./observability/telemetry.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + "\n");
      process.exit(2);
    }
    throw e;
  }
  // Started already when run with --import ./dist/src/observability/register.js (npm start); else now.
  startTelemetry();
  const app = await startApp(config);
  const tokenHint = app.adminTokenFile ? `the admin token is in ${app.adminTokenFile}` : "use your ADMIN_TOKEN";
  process.stdout.write(
    [
      "",
      `Face identity platform ready (${app.database.kind === "pglite" ? `embedded PGlite in ${config.database.kind === "pglite" ? config.database.dataDir : ""}` : "PostgreSQL"}).`,
      `  GraphQL:  ${app.url}`,
      `  Health:   ${app.url.replace(/\/graphql$/, "/health")}`,
      `  API key:  create a tenant and its first key (${tokenHint}):`,
      `    curl -s ${app.url} -H 'content-type: application/json' -H "x-admin-token: $(cat ${app.adminTokenFile ?? "<token file>"})" \\`,
      `      -d '{"query":"mutation { createTenant(name: \\"demo\\") { tenantId apiKey } }"}'`,
      "",
    ].join("\n"),
  );
  const stop = async () => {
    await app.close();
    await stopTelemetry();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
