#!/usr/bin/env node
/**
 * The face-id command line:
 *   face-id eval <embed|lfw|detect> [options]     model evaluation (face-id eval --help)
 *   face-id verify-export FILE [--key BASE64]     check a signed data subject export
 *   face-id verify-audit FILE [--key BASE64]      check a signed audit trail export
 * Run `npm run build` first.
 */
import { evalMain } from "./eval.command.js";
import { verifyMain } from "./verify.command.js";

const [group, ...rest] = process.argv.slice(2);
const commands: Record<string, () => Promise<number>> = {
  eval: () => evalMain(rest),
  "verify-export": () => verifyMain("export", rest),
  "verify-audit": () => verifyMain("audit", rest),
};
const command = group === undefined ? undefined : commands[group];
if (command) {
  command().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`face-id ${group}: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
} else {
  process.stderr.write("usage: face-id eval <embed|lfw|detect> [options] | verify-export FILE [--key K] | verify-audit FILE [--key K]\n");
  process.exit(group === "--help" || group === "-h" ? 0 : 2);
}
