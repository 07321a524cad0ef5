/** Runs `face-id eval` in-process and returns what it printed. */
import { evalMain } from "../../src/cli/eval.command.js";

export async function runEvalCli(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(typeof c === "string" ? c : Buffer.from(c).toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await evalMain(args);
    return { code, out: chunks.join("") };
  } finally {
    process.stdout.write = write;
  }
}
