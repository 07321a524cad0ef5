/**
 * The audit trail: searched newest first by action, outcome, actor, subject and time, shown
 * as a table or a timeline; the chain's verification badge; the signed export of a period.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { downloadFrom, gql } from "../api";
import { Choice, DataTable, filledFields, Page, Problem, useLoad, when } from "../ui";

interface Event {
  seq: number;
  at: string;
  actor: string;
  action: string;
  outcome: string;
  subjectId: string | null;
  purpose: string | null;
  reason: string | null;
}
const col = createColumnHelper<Event>();
const columns = [
  col.accessor("seq", { header: "#" }),
  col.accessor("at", { header: "When", cell: (c) => when(c.getValue()) }),
  col.accessor("actor", { header: "Actor", cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor("action", { header: "Action" }),
  col.accessor("outcome", { header: "Outcome", cell: (c) => <span className={`outcome ${c.getValue().toLowerCase()}`}>{c.getValue()}</span> }),
  col.accessor("subjectId", { header: "Subject", cell: (c) => (c.getValue() ? <code>{c.getValue()}</code> : "—") }),
  col.accessor("purpose", { header: "Purpose", cell: (c) => c.getValue() ?? "—" }),
  col.accessor("reason", { header: "Reason", cell: (c) => c.getValue() ?? "—" }),
];

export function AuditPage() {
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [view, setView] = useState<"table" | "timeline">("table");
  const [exportError, setExportError] = useState<Error | null>(null);
  const chain = useLoad(() => gql(`{ verifyAuditChain { valid length problem } }`), []);
  const events = useLoad(() => gql(`query($f: AuditFilter) { auditSearch(first: 100, filter: $f) { totalCount edges { node { seq at actor action outcome subjectId purpose reason } } } }`, { f: filter }), [JSON.stringify(filter)]);

  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const next = filledFields(e.currentTarget, ["action", "outcome", "actor", "subjectId", "from", "to"]);
    for (const k of ["from", "to"]) if (next[k]) next[k] = new Date(`${next[k]}T00:00:00Z`).toISOString();
    setFilter(next);
  };
  const exportTrail = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setExportError(null);
    try {
      const from = new Date(`${String(f.get("exportFrom"))}T00:00:00Z`).toISOString();
      const to = new Date(`${String(f.get("exportTo"))}T00:00:00Z`).toISOString();
      await downloadFrom(`/exports/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, `audit-${from.slice(0, 10)}-${to.slice(0, 10)}.ndjson`);
    } catch (err) {
      setExportError(err as Error);
    }
  };
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const rows: Event[] = events.data?.auditSearch.edges.map((e: { node: Event }) => e.node) ?? [];

  return (
    <Page
      title="Audit trail"
      actions={
        chain.data && (
          <span className={`badge ${chain.data.verifyAuditChain.valid ? "good" : "bad"}`} role="status">
            {chain.data.verifyAuditChain.valid ? `Chain verified · ${chain.data.verifyAuditChain.length} events` : `Chain broken: ${chain.data.verifyAuditChain.problem}`}
          </span>
        )
      }
    >
      {chain.error && <Problem error={chain.error} />}
      <form className="filters" onSubmit={search} role="search">
        <label>
          Action
          <input name="action" placeholder="e.g. VERIFY_FACE" />
        </label>
        <Choice label="Outcome" name="outcome" options={["SUCCESS", "DENIED", "FAILED"]} />
        <label>
          Actor
          <input name="actor" placeholder="user:… or apikey:…" />
        </label>
        <label>
          Subject id
          <input name="subjectId" />
        </label>
        <label>
          From
          <input name="from" type="date" />
        </label>
        <label>
          To
          <input name="to" type="date" />
        </label>
        <button type="submit">Search</button>
      </form>
      <div className="actions" role="group" aria-label="View">
        <button type="button" aria-pressed={view === "table"} onClick={() => setView("table")}>
          Table
        </button>
        <button type="button" aria-pressed={view === "timeline"} onClick={() => setView("timeline")}>
          Timeline
        </button>
      </div>
      {events.error && <Problem error={events.error} />}
      {events.data &&
        (view === "table" ? (
          <DataTable caption={`${events.data.auditSearch.totalCount} event(s), newest first`} columns={columns} data={rows} empty="No event matches." />
        ) : (
          <ol className="timeline" aria-label="Timeline, newest first">
            {rows.map((e) => (
              <li key={e.seq} className={`outcome ${e.outcome.toLowerCase()}`}>
                <time dateTime={e.at}>{when(e.at)}</time> <strong>{e.action}</strong> {e.outcome} by <code>{e.actor}</code>
                {e.reason ? ` (${e.reason})` : ""}
              </li>
            ))}
          </ol>
        ))}
      <h2>Export</h2>
      <form className="inline" onSubmit={exportTrail}>
        <label>
          From
          <input name="exportFrom" type="date" defaultValue={today} required />
        </label>
        <label>
          To (exclusive)
          <input name="exportTo" type="date" defaultValue={tomorrow} required />
        </label>
        <button type="submit">Download the signed export</button>
      </form>
      {exportError && <Problem error={exportError} />}
    </Page>
  );
}
