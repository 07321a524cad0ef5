/** The tenant's subjects, a page at a time, found by external reference or filtered by hold and restriction. */
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { gql } from "../api";
import { DataTable, Link, Page, Problem, useLoad, when } from "../ui";

interface Row {
  id: string;
  externalRef: string | null;
  createdAt: string;
  legalHoldSince: string | null;
  restrictedSince: string | null;
}
const col = createColumnHelper<Row>();
const columns = [
  col.accessor("externalRef", { header: "External reference", cell: (c) => <Link to={`/subjects/${encodeURIComponent(c.row.original.id)}`}>{c.getValue() ?? "(none)"}</Link> }),
  col.accessor("id", { header: "Subject id", cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor("createdAt", { header: "Created", cell: (c) => when(c.getValue()) }),
  col.accessor("legalHoldSince", { header: "Legal hold", cell: (c) => (c.getValue() ? "on hold" : "—") }),
  col.accessor("restrictedSince", { header: "Restricted", cell: (c) => (c.getValue() ? "restricted" : "—") }),
];

const QUERY = `query($f: SubjectFilter, $after: String) { subjects(first: 25, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id externalRef createdAt legalHoldSince restrictedSince } } } }`;

export function SubjectsPage() {
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const r = useLoad(() => gql(QUERY, { f: filter, after }), [JSON.stringify(filter), after]);
  const page = r.data?.subjects;

  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ref = String(f.get("externalRef") ?? "").trim();
    setFilter({ ...(ref ? { externalRef: ref } : {}), ...(f.get("legalHold") ? { legalHold: true } : {}), ...(f.get("restricted") ? { restricted: true } : {}) });
    setCursors([null]);
  };

  return (
    <Page title="Subjects">
      <form className="filters" onSubmit={search} role="search">
        <label>
          External reference
          <input name="externalRef" placeholder="e.g. employee-42" />
        </label>
        <label className="check">
          <input type="checkbox" name="legalHold" /> on legal hold
        </label>
        <label className="check">
          <input type="checkbox" name="restricted" /> restricted
        </label>
        <button type="submit">Search</button>
      </form>
      {r.error && <Problem error={r.error} />}
      {page && (
        <>
          <DataTable caption={`${page.totalCount} subject${page.totalCount === 1 ? "" : "s"}`} columns={columns} data={page.edges.map((e: { node: Row }) => e.node)} empty="No subject matches." />
          <div className="pager">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </button>
            <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, page.pageInfo.endCursor])}>
              Next page
            </button>
          </div>
        </>
      )}
    </Page>
  );
}
