#!/usr/bin/env node
/**
 * The face-id command line: `face-id eval <embed|lfw|detect> [options]`.
 * Run `npm run build` first, then `npx face-id eval --help`.
 */
import { evalMain } from "./eval.command.js";

const [group, ...rest] = process.argv.slice(2);
if (group === "eval") {
  evalMain(rest).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`face-id eval: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
} else {
  process.stderr.write("usage: face-id eval <embed|lfw|detect> [options]   (face-id eval --help)\n");
  process.exit(group === "--help" || group === "-h" ? 0 : 2);
}
