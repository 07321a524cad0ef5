/**
 * Reads one policy document from parsed JSON, strictly: unknown keys, wrong types,
 * missing required fields and contradictions are all reported (every problem, with its
 * path), never silently ignored. Pure; the files are read by src/adapters/policy/.
 */
import { validatePurposeName } from "../consent.js";
import {
  CONSENT_TYPES,
  LEGAL_BASES,
  OPERATIONS,
  type ConsentType,
  type DenyRule,
  type LegalBasis,
  type Operation,
  type PolicyDocument,
  type PurposePolicy,
} from "./policy.js";

export type ParseResult = { ok: true; document: PolicyDocument } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;

class Reader {
  readonly problems: string[] = [];

  object(value: unknown, at: string, allowed: readonly string[]): Obj | null {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problems.push(`${at}: must be an object`);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.problems.push(`${at}.${key}: unknown key (allowed: ${allowed.join(", ")})`);
    }
    return value as Obj;
  }

  string(o: Obj, key: string, at: string, opts: { optional?: boolean; max?: number } = {}): string | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (!opts.optional) this.problems.push(`${at}.${key}: required`);
      return null;
    }
    if (typeof v !== "string" || v.trim() === "" || v.length > (opts.max ?? 500)) {
      this.problems.push(`${at}.${key}: must be a non-empty string of at most ${opts.max ?? 500} characters`);
      return null;
    }
    return v;
  }

  boolean(o: Obj, key: string, at: string, fallback: boolean): boolean {
    const v = o[key];
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") {
      this.problems.push(`${at}.${key}: must be true or false`);
      return fallback;
    }
    return v;
  }

  number(o: Obj, key: string, at: string, rule: { min: number; max: number; integer?: boolean; optional?: boolean }): number | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (!rule.optional) this.problems.push(`${at}.${key}: required`);
      return null;
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v < rule.min || v > rule.max || (rule.integer && !Number.isInteger(v))) {
      this.problems.push(`${at}.${key}: must be ${rule.integer ? "an integer" : "a number"} from ${rule.min} to ${rule.max}`);
      return null;
    }
    return v;
  }

  enumList<T extends string>(o: Obj, key: string, at: string, values: readonly T[], opts: { optional?: boolean } = {}): T[] {
    const v = o[key];
    if (v === undefined) {
      if (!opts.optional) this.problems.push(`${at}.${key}: required`);
      return [];
    }
    if (!Array.isArray(v)) {
      this.problems.push(`${at}.${key}: must be a list`);
      return [];
    }
    const out: T[] = [];
    for (const [i, item] of v.entries()) {
      if (typeof item !== "string" || !(values as readonly string[]).includes(item)) {
        this.problems.push(`${at}.${key}[${i}]: must be one of ${values.join(", ")}`);
      } else if (out.includes(item as T)) {
        this.problems.push(`${at}.${key}[${i}]: ${item} is listed twice`);
      } else out.push(item as T);
    }
    return out;
  }

  oneOf<T extends string>(o: Obj, key: string, at: string, values: readonly T[]): T | null {
    const v = o[key];
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      this.problems.push(`${at}.${key}: ${v === undefined ? "required, " : ""}must be one of ${values.join(", ")}`);
      return null;
    }
    return v as T;
  }
}

const DOCUMENT_KEYS = ["$comment", "version", "tenant", "requireDpiaReference", "requireFallback", "purposes", "deny"] as const;
const PURPOSE_KEYS = [
  "$comment",
  "description",
  "operations",
  "legalBasis",
  "consentType",
  "retention",
  "minMatchThreshold",
  "identification",
  "dpiaReference",
  "fallback",
  "minAgeWithoutGuardian",
  "keepRawImages",
] as const;
const RETENTION_KEYS = ["maxDays", "unusedDays"] as const;
const DENY_KEYS = ["operations", "purposes", "because"] as const;
const TENANT_NAME = /^(\*|[A-Za-z0-9][A-Za-z0-9 ._-]{0,99})$/;

export function parsePolicyDocument(json: unknown, source: string): ParseResult {
  const r = new Reader();
  const doc = r.object(json, source, DOCUMENT_KEYS);
  if (!doc) return { ok: false, problems: r.problems };

  const version = r.string(doc, "version", source, { max: 100 });
  const tenant = r.string(doc, "tenant", source, { max: 100 });
  if (tenant !== null && !TENANT_NAME.test(tenant)) r.problems.push(`${source}.tenant: must be "*" or a tenant name`);
  const requireDpiaReference = r.boolean(doc, "requireDpiaReference", source, false);
  const requireFallback = r.boolean(doc, "requireFallback", source, false);

  const purposes = new Map<string, PurposePolicy>();
  const rawPurposes = r.object(doc["purposes"] ?? null, `${source}.purposes`, Object.keys((doc["purposes"] as Obj | undefined) ?? {}));
  if (rawPurposes && Object.keys(rawPurposes).length === 0) r.problems.push(`${source}.purposes: must define at least one purpose`);
  for (const [name, raw] of Object.entries(rawPurposes ?? {})) {
    const at = `${source}.purposes.${name}`;
    const nameProblem = validatePurposeName(name);
    if (nameProblem) r.problems.push(`${at}: ${nameProblem}`);
    const p = r.object(raw, at, PURPOSE_KEYS);
    if (!p) continue;
    const description = r.string(p, "description", at, { max: 1000 });
    const operations = r.enumList<Operation>(p, "operations", at, OPERATIONS);
    const legalBasis = r.oneOf<LegalBasis>(p, "legalBasis", at, LEGAL_BASES);
    const consentType = r.oneOf<ConsentType>(p, "consentType", at, CONSENT_TYPES);
    const ret = r.object(p["retention"] ?? null, `${at}.retention`, RETENTION_KEYS);
    const maxDays = ret ? r.number(ret, "maxDays", `${at}.retention`, { min: 1, max: 36500, integer: true }) : null;
    const unusedDays = ret ? r.number(ret, "unusedDays", `${at}.retention`, { min: 1, max: 36500, integer: true, optional: true }) : null;
    if (maxDays !== null && unusedDays !== null && unusedDays > maxDays) {
      r.problems.push(`${at}.retention.unusedDays: cannot exceed maxDays (${maxDays})`);
    }
    const minMatchThreshold = r.number(p, "minMatchThreshold", at, { min: -1, max: 1, optional: true });
    const identification = r.boolean(p, "identification", at, false);
    if (operations.includes("identify") && !identification) {
      r.problems.push(`${at}.operations: lists identify but identification is false (set "identification": true to allow 1:N)`);
    }
    const dpiaReference = r.string(p, "dpiaReference", at, { optional: true, max: 200 });
    const fallback = r.string(p, "fallback", at, { optional: true, max: 500 });
    if (requireDpiaReference && dpiaReference === null) r.problems.push(`${at}.dpiaReference: required because requireDpiaReference is true`);
    if (requireFallback && fallback === null) r.problems.push(`${at}.fallback: required because requireFallback is true`);
    const minAgeWithoutGuardian = r.number(p, "minAgeWithoutGuardian", at, { min: 1, max: 30, integer: true, optional: true });
    const keepRawImages = r.boolean(p, "keepRawImages", at, false);
    if (description !== null && legalBasis !== null && consentType !== null && maxDays !== null) {
      purposes.set(name, {
        name,
        description,
        operations,
        legalBasis,
        consentType,
        retention: { maxDays, unusedDays },
        minMatchThreshold,
        identification,
        dpiaReference,
        fallback,
        minAgeWithoutGuardian,
        keepRawImages,
      });
    }
  }

  const deny: DenyRule[] = [];
  const rawDeny = doc["deny"] ?? [];
  if (!Array.isArray(rawDeny)) r.problems.push(`${source}.deny: must be a list`);
  else {
    for (const [i, raw] of rawDeny.entries()) {
      const at = `${source}.deny[${i}]`;
      const d = r.object(raw, at, DENY_KEYS);
      if (!d) continue;
      const operations = r.enumList<Operation>(d, "operations", at, OPERATIONS, { optional: true });
      const purposesRaw = d["purposes"] ?? [];
      const denyPurposes: string[] = [];
      if (!Array.isArray(purposesRaw)) r.problems.push(`${at}.purposes: must be a list`);
      else {
        for (const [j, name] of purposesRaw.entries()) {
          const problem = typeof name === "string" ? validatePurposeName(name) : "must be a purpose name";
          if (problem) r.problems.push(`${at}.purposes[${j}]: ${problem}`);
          else denyPurposes.push(name as string);
        }
      }
      const because = r.string(d, "because", at, { max: 500 });
      if (because !== null) deny.push({ operations, purposes: denyPurposes, because });
    }
  }

  if (r.problems.length > 0 || version === null || tenant === null) return { ok: false, problems: r.problems };
  return { ok: true, document: { source, version, tenant, requireDpiaReference, requireFallback, purposes, deny } };
}
