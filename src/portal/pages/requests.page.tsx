/**
 * The tenant's data subject requests, soonest due first, coloured by days left; a request
 * is taken through identity verification to fulfilment (or extended or rejected, with a
 * reason), its signed export downloaded and its per-store erasure report shown.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { useCallback, useState, type FormEvent } from "react";
import { download, gql } from "../api";
import { navigate } from "../router";
import { askReason, DataTable, filledFields, Page, Problem, useAction, useLoad, when } from "../ui";

interface Req {
  id: string;
  subjectId: string;
  kind: string;
  status: string;
  openedAt: string;
  dueAt: string;
  daysLeft: number;
  identityVerifiedAt: string | null;
  identityMethod: string | null;
  completedAt: string | null;
  extensionReason: string | null;
  result: string | null;
}
const FIELDS = "id subjectId kind status openedAt dueAt daysLeft identityVerifiedAt identityMethod completedAt extensionReason result";
const OPEN = ["AWAITING_IDENTITY", "IN_PROGRESS", "FAILED"];

const urgency = (r: Req) => (!OPEN.includes(r.status) ? "done" : r.daysLeft < 0 ? "overdue" : r.daysLeft <= 7 ? "soon" : "ok");
const col = createColumnHelper<Req>();
interface StoreReport {
  store: string;
  status: string;
  items: number;
}
const st = createColumnHelper<StoreReport>();
const storeColumns = [st.accessor("store", { header: "Store" }), st.accessor("status", { header: "Status" }), st.accessor("items", { header: "Items" })];

export function RequestsPage() {
  const selected = new URLSearchParams(window.location.search).get("id");
  const [openOnly, setOpenOnly] = useState(true);
  const list = useLoad(() => gql(`query($f: DataSubjectRequestFilter) { dataSubjectRequestQueue(first: 100, filter: $f) { totalCount edges { node { ${FIELDS} } } } }`, { f: openOnly ? { statuses: OPEN } : {} }), [openOnly, selected]);
  const columns = [
    col.accessor("daysLeft", { header: "Days left", cell: (c) => <span className={`days ${urgency(c.row.original)}`}>{OPEN.includes(c.row.original.status) ? (c.getValue() < 0 ? `${-c.getValue()} overdue` : c.getValue()) : "—"}</span> }),
    col.accessor("kind", { header: "Kind" }),
    col.accessor("status", { header: "Status" }),
    col.accessor("subjectId", { header: "Subject", cell: (c) => <code>{c.getValue()}</code> }),
    col.accessor("dueAt", { header: "Due", cell: (c) => when(c.getValue()) }),
    col.accessor("id", { header: "", cell: (c) => <button type="button" onClick={() => navigate(`/requests?id=${encodeURIComponent(c.getValue())}`)}>{c.getValue() === selected ? "Selected" : "Work on it"}</button> }),
  ];
  return (
    <Page title="Data subject requests">
      <label className="check">
        <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> open requests only
      </label>
      {list.error && <Problem error={list.error} />}
      {list.data && <DataTable caption={`${list.data.dataSubjectRequestQueue.totalCount} request(s), soonest due first`} columns={columns} data={list.data.dataSubjectRequestQueue.edges.map((e: { node: Req }) => e.node)} empty="No request." />}
      {selected && <RequestPanel id={selected} onChange={list.reload} />}
    </Page>
  );
}

function RequestPanel({ id, onChange }: { id: string; onChange: () => void }) {
  const r = useLoad(() => gql(`query($id: ID!) { dataSubjectRequest(id: $id) { ${FIELDS} } }`, { id }), [id]);
  const { reload } = r;
  const action = useAction(useCallback(() => (reload(), onChange()), [reload, onChange]));
  const [stores, setStores] = useState<StoreReport[] | null>(null);
  const [document, setDocument] = useState<string | null>(null);

  const run = (what: string, query: string, vars: Record<string, unknown> = {}) => action.run(`${what}.`, query, { id, ...vars });
  const verify = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    await run("Identity verified", `mutation($id: ID!, $m: String!, $e: String!) { verifyRequesterIdentity(requestId: $id, method: $m, evidenceRef: $e) { id } }`, { m: f.get("method"), e: f.get("evidenceRef") });
  };
  const rectify = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = filledFields(e.currentTarget, ["externalRef", "dateOfBirth"]);
    await run("Rectified", `mutation($id: ID!, $i: RectificationInput!) { rectifySubject(requestId: $id, input: $i) { id } }`, { i: f });
  };
  const fulfil = async () => {
    const data = await run("Fulfilled", `mutation($id: ID!) { fulfilDataSubjectRequest(requestId: $id) { document erasure { status stores { store status items } } } }`);
    const f = data?.fulfilDataSubjectRequest;
    if (f?.erasure) setStores(f.erasure.stores);
    if (f?.document) {
      setDocument(f.document);
      download(`${id}.json`, f.document);
    }
  };

  const q = r.data?.dataSubjectRequest as Req | undefined;
  if (r.error) return <Problem error={r.error} />;
  if (!q) return <p>Loading…</p>;
  const report = stores ?? (q.kind === "ERASURE" && q.result ? (JSON.parse(q.result) as { stores?: StoreReport[] }).stores ?? null : null);
  return (
    <section className="panel" aria-label="Request">
      <h2>
        {q.kind} request <code>{q.id}</code>
      </h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="request-status">{q.status}</dd>
        <dt>Opened</dt>
        <dd>{when(q.openedAt)}</dd>
        <dt>Due</dt>
        <dd>
          {when(q.dueAt)} <span className={`days ${urgency(q)}`}>({q.daysLeft} days left)</span>
        </dd>
        <dt>Identity</dt>
        <dd>{q.identityVerifiedAt ? `verified ${when(q.identityVerifiedAt)} by ${q.identityMethod}` : "not verified yet"}</dd>
        {q.extensionReason && (
          <>
            <dt>Extended</dt>
            <dd>{q.extensionReason}</dd>
          </>
        )}
      </dl>
      {q.status === "AWAITING_IDENTITY" && (
        <form className="inline" onSubmit={verify}>
          <label>
            How the requester was identified
            <input name="method" required placeholder="ID card at the desk" />
          </label>
          <label>
            Evidence reference
            <input name="evidenceRef" required placeholder="ticket-77" />
          </label>
          <button type="submit">Record identity verification</button>
        </form>
      )}
      {q.kind === "RECTIFICATION" && (q.status === "IN_PROGRESS" || q.status === "FAILED") && (
        <form className="inline" onSubmit={rectify} aria-label="Corrections">
          <label>
            Corrected external reference
            <input name="externalRef" />
          </label>
          <label>
            Corrected date of birth
            <input name="dateOfBirth" type="date" />
          </label>
          <button type="submit">Apply the corrections</button>
        </form>
      )}
      <div className="actions" role="group" aria-label="Request actions">
        {q.kind !== "RECTIFICATION" && (q.status === "IN_PROGRESS" || q.status === "FAILED") && (
          <button type="button" onClick={fulfil}>
            Fulfil {q.kind.toLowerCase()}
          </button>
        )}
        {OPEN.includes(q.status) && (
          <>
            <button type="button" onClick={() => { const reason = askReason("extending the deadline"); if (reason) void run("Extended", `mutation($id: ID!, $r: String!) { extendDataSubjectRequest(requestId: $id, reason: $r) { id } }`, { r: reason }); }}>Extend</button>
            <button type="button" onClick={() => { const reason = askReason("rejecting the request"); if (reason) void run("Rejected", `mutation($id: ID!, $r: String!) { rejectDataSubjectRequest(requestId: $id, reason: $r) { id } }`, { r: reason }); }}>Reject</button>
          </>
        )}
        {document && (
          <button type="button" onClick={() => download(`${id}.json`, document)}>
            Download the signed export again
          </button>
        )}
      </div>
      {action.feedback}
      {report && <DataTable caption="Erasure, store by store" columns={storeColumns} data={report} />}
    </section>
  );
}
