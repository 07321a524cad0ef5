/**
 * Builds the admin consent portal (React) into dist/portal, which the server serves at
 * /portal (src/http/portal.routes.ts). Run by `npm run build`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: "/portal/",
  logLevel: "warn",
  build: {
    outDir: path.join(here, "..", "..", "dist", "portal"),
    emptyOutDir: true,
    // No inline scripts or styles: the portal runs under a strict Content-Security-Policy.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
