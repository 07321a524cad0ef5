/** The consents report: by purpose and state, with its evidence, downloadable as CSV. */
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { download, gql } from "../api";
import { Choice, DataTable, filledFields, Link, Page, Problem, useLoad, when } from "../ui";

interface Row {
  id: string;
  subjectId: string;
  purpose: string;
  state: string;
  noticeVersion: string;
  method: string;
  evidenceRef: string | null;
  byGuardian: boolean;
  grantedAt: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
}
const FIELDS = "id subjectId purpose state noticeVersion method evidenceRef byGuardian grantedAt expiresAt withdrawnAt";
const QUERY = `query($f: ConsentFilter, $after: String) { consents(first: 100, after: $after, filter: $f) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } } } }`;
const col = createColumnHelper<Row>();
const columns = [
  col.accessor("subjectId", { header: "Subject", cell: (c) => <Link to={`/subjects/${encodeURIComponent(c.getValue())}`}>{c.getValue()}</Link> }),
  col.accessor("purpose", { header: "Purpose" }),
  col.accessor("state", { header: "State", cell: (c) => <span className={`state ${c.getValue().toLowerCase()}`}>{c.getValue()}</span> }),
  col.accessor("noticeVersion", { header: "Notice" }),
  col.accessor("method", { header: "Method" }),
  col.accessor("evidenceRef", { header: "Evidence", cell: (c) => c.getValue() ?? "—" }),
  col.accessor("grantedAt", { header: "Granted", cell: (c) => when(c.getValue()) }),
  col.accessor("withdrawnAt", { header: "Withdrawn", cell: (c) => when(c.getValue()) }),
];

/** One CSV field, quoted when it must be; a leading formula character is neutralised. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function ConsentsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({});
  const r = useLoad(() => gql(QUERY, { f: filter, after: null }), [JSON.stringify(filter)]);
  const [csvError, setCsvError] = useState<Error | null>(null);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilter(filledFields(e.currentTarget, ["purpose", "state"]));
  };
  const csv = async () => {
    setCsvError(null);
    try {
      const rows: Row[] = [];
      let after: string | null = null;
      do {
        const d: any = await gql(QUERY, { f: filter, after });
        rows.push(...d.consents.edges.map((e: { node: Row }) => e.node));
        after = d.consents.pageInfo.hasNextPage ? d.consents.pageInfo.endCursor : null;
      } while (after !== null && rows.length < 100_000);
      const keys = FIELDS.split(" ") as (keyof Row)[];
      download("consents.csv", [keys.join(","), ...rows.map((row) => keys.map((k) => csvField(row[k])).join(","))].join("\r\n") + "\r\n", "text/csv");
    } catch (e) {
      setCsvError(e as Error);
    }
  };
  return (
    <Page title="Consents report" actions={<button type="button" onClick={csv}>Download CSV</button>}>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Purpose
          <input name="purpose" placeholder="e.g. access_control" />
        </label>
        <Choice label="State" name="state" options={["ACTIVE", "WITHDRAWN", "EXPIRED", "PENDING"]} />
        <button type="submit">Filter</button>
      </form>
      {(r.error ?? csvError) && <Problem error={(r.error ?? csvError)!} />}
      {r.data && <DataTable caption={`${r.data.consents.totalCount} consent(s)${r.data.consents.pageInfo.hasNextPage ? "; the first 100 shown, the CSV has all" : ""}`} columns={columns} data={r.data.consents.edges.map((e: { node: Row }) => e.node)} empty="No consent matches." />}
    </Page>
  );
}
