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
  type CapturePolicy,
  DEFAULT_CAPTURE_POLICY,
  DUPLICATE_CHECKS,
  type DuplicateCheck,
} from "./policy.js";
import { DEFAULT_QUALITY_LIMITS, type QualityLimits } from "../quality.js";

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
  "capture",
] as const;
const CAPTURE_KEYS = ["$comment", "quality", "gateProbes", "passiveLiveness", "activeLiveness", "storeAttributes", "duplicateCheck"] as const;
const PASSIVE_KEYS = ["operations", "minScore"] as const;
/** Each quality limit and its allowed range. */
const QUALITY_RANGES: Record<keyof QualityLimits, { min: number; max: number }> = {
  minInterEyeDistance: { min: 1, max: 2000 },
  minSharpness: { min: 0, max: 10 },
  minBrightness: { min: 0, max: 255 },
  maxBrightness: { min: 0, max: 255 },
  maxBrightFraction: { min: 0, max: 1 },
  maxDarkFraction: { min: 0, max: 1 },
  maxYaw: { min: 0, max: 90 },
  maxPitch: { min: 0, max: 90 },
  maxRoll: { min: 0, max: 180 },
  maxEyesClosed: { min: 0, max: 1 },
  maxOutsideFrame: { min: 0, max: 1 },
  minDetectionScore: { min: 0, max: 1 },
};
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
    const capture = p["capture"] === undefined ? DEFAULT_CAPTURE_POLICY : readCapture(r, p["capture"], `${at}.capture`, operations);
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
        capture,
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

function readCapture(r: Reader, raw: unknown, at: string, operations: readonly Operation[]): CapturePolicy {
  const c = r.object(raw, at, CAPTURE_KEYS);
  if (!c) return DEFAULT_CAPTURE_POLICY;
  const quality: Partial<QualityLimits> = {};
  if (c["quality"] !== undefined) {
    const q = r.object(c["quality"], `${at}.quality`, Object.keys(QUALITY_RANGES));
    for (const key of Object.keys(QUALITY_RANGES) as (keyof QualityLimits)[]) {
      const v = q ? r.number(q, key, `${at}.quality`, { ...QUALITY_RANGES[key], optional: true }) : null;
      if (v !== null) quality[key] = v;
    }
    const lo = quality.minBrightness ?? DEFAULT_QUALITY_LIMITS.minBrightness;
    const hi = quality.maxBrightness ?? DEFAULT_QUALITY_LIMITS.maxBrightness;
    if (lo >= hi) r.problems.push(`${at}.quality: minBrightness (${lo}) must be below maxBrightness (${hi})`);
  }
  let passiveLiveness: CapturePolicy["passiveLiveness"] = null;
  if (c["passiveLiveness"] !== undefined && c["passiveLiveness"] !== null) {
    const pl = r.object(c["passiveLiveness"], `${at}.passiveLiveness`, PASSIVE_KEYS);
    if (pl) {
      const ops = r.enumList<Operation>(pl, "operations", `${at}.passiveLiveness`, OPERATIONS);
      const minScore = r.number(pl, "minScore", `${at}.passiveLiveness`, { min: 0, max: 1 });
      for (const op of ops) if (!operations.includes(op)) r.problems.push(`${at}.passiveLiveness.operations: ${op} is not among the purpose's operations`);
      if (minScore !== null) passiveLiveness = { operations: ops, minScore };
    }
  }
  const activeLiveness = r.enumList<Operation>(c, "activeLiveness", at, OPERATIONS, { optional: true });
  for (const op of activeLiveness) {
    if (op !== "verify") r.problems.push(`${at}.activeLiveness: only verify can require an active-liveness session, not ${op}`);
    else if (!operations.includes(op)) r.problems.push(`${at}.activeLiveness: verify is not among the purpose's operations`);
  }
  let duplicateCheck: DuplicateCheck | null = null;
  if (c["duplicateCheck"] !== undefined && c["duplicateCheck"] !== null) {
    const v = c["duplicateCheck"];
    if (typeof v !== "string" || !(DUPLICATE_CHECKS as readonly string[]).includes(v)) r.problems.push(`${at}.duplicateCheck: must be one of ${DUPLICATE_CHECKS.join(", ")} (or null)`);
    else if (!operations.includes("enroll")) r.problems.push(`${at}.duplicateCheck: enroll is not among the purpose's operations`);
    else duplicateCheck = v as DuplicateCheck;
  }
  return {
    quality,
    gateProbes: r.boolean(c, "gateProbes", at, false),
    duplicateCheck,
    passiveLiveness,
    activeLiveness,
    storeAttributes: r.boolean(c, "storeAttributes", at, false),
  };
}
