/**
 * One keyset page of a Prisma model (src/domain/pagination.ts): the rows strictly after the
 * cursor in (field, id) order (ascending, or descending for newest-first lists), one more
 * than asked to know whether another page follows, and the filter's total, in one place
 * for every operator list.
 */
import type { Page, PageRequest } from "../../domain/pagination.js";

interface PageQuery {
  where: object;
  orderBy: object[];
  take: number;
}

export async function keysetPage<R>(
  page: PageRequest,
  field: string,
  where: object,
  find: (query: PageQuery) => Promise<R[]>,
  count: (query: { where: object }) => Promise<number>,
  direction: "asc" | "desc" = "asc",
): Promise<Page<R>> {
  const after = page.after;
  const beyond = direction === "asc" ? "gt" : "lt";
  const paged = after ? { AND: [where, { OR: [{ [field]: { [beyond]: after.at } }, { [field]: after.at, id: { [beyond]: after.id } }] }] } : where;
  const [rows, totalCount] = await Promise.all([find({ where: paged, orderBy: [{ [field]: direction }, { id: direction }], take: page.first + 1 }), count({ where })]);
  return { items: rows.slice(0, page.first), hasNextPage: rows.length > page.first, totalCount };
}

/** `{ key: value }` for each of `keys` the filter gives (equality conditions of a list's where). */
export function given<F extends object>(filter: F, keys: readonly (keyof F & string)[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => filter[k] !== undefined).map((k) => [k, filter[k]]));
}

/** A [from, to) condition on a time column, or none when neither bound is given. */
export function within(field: string, from: Date | undefined, to: Date | undefined): Record<string, unknown> {
  return from || to ? { [field]: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {};
}
