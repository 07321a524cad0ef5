/**
 * Retention of templates: a template is kept until the earlier of (enrollment + the
 * purpose's maximum) and (last use + the purpose's unused limit). Pure.
 */
import type { RetentionRule } from "./policy/policy.js";

const DAY_MS = 86_400_000;

export function retainUntil(rule: RetentionRule, createdAt: Date, lastUsedAt: Date | null): Date {
  const byAge = createdAt.getTime() + rule.maxDays * DAY_MS;
  if (rule.unusedDays === null) return new Date(byAge);
  const byDisuse = (lastUsedAt ?? createdAt).getTime() + rule.unusedDays * DAY_MS;
  return new Date(Math.min(byAge, byDisuse));
}
