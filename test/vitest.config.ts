import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig({
  root,
  resolve: {
    // graphql 16 ships both index.js and index.mjs without an "exports" map: Node (and so
    // type-graphql and Apollo) loads the CommonJS build, Vite would pick the ES module one.
    // Two copies of graphql cannot share a schema, so tests use the one Node uses.
    alias: [{ find: /^graphql$/, replacement: path.join(root, "node_modules", "graphql", "index.js") }],
  },
  test: {
    include: ["src/**/*.spec.ts", "test/**/*.spec.ts", "scripts/**/*.spec.ts"],
    // PGlite needs 5–7 s for a new database; model loading and real inference add more.
    // No test may depend on a tight wall-clock limit: on a busy machine real inference can
    // run several times slower, so these only stop a test that hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    // Two cores: at most two test files at once (each may run two inference threads).
    maxWorkers: 2,
    setupFiles: ["reflect-metadata"],
  },
});
