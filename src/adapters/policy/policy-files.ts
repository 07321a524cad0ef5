/**
 * Loads every `*.policy.json` file of the policy folder, validates each strictly and
 * returns the policy set, or throws one error listing every problem in every file (the
 * server refuses to start on a bad policy).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parsePolicyDocument } from "../../domain/policy/policy-parse.js";
import { PolicySet, PolicySetError } from "../../domain/policy/policy-set.js";
import type { PolicyDocument } from "../../domain/policy/policy.js";

export async function loadPolicies(dir: string): Promise<PolicySet> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".policy.json")).sort();
  } catch (e) {
    throw new PolicySetError([`${dir}: cannot read the policy folder (${(e as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  if (names.length === 0) throw new PolicySetError([`${dir}: no *.policy.json files (at least a default policy with "tenant": "*" or one per tenant)`]);
  const problems: string[] = [];
  const documents: PolicyDocument[] = [];
  for (const name of names) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path.join(dir, name), "utf8"));
    } catch (e) {
      problems.push(`${name}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    const parsed = parsePolicyDocument(json, name);
    if (parsed.ok) documents.push(parsed.document);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) throw new PolicySetError(problems);
  return new PolicySet(documents);
}
