/**
 * One subject: consents with their evidence, templates (metadata only: never an image or a
 * vector), data subject requests, and the controls a privacy officer needs: legal hold,
 * restriction of processing, opening a request.
 */
import { createColumnHelper } from "@tanstack/react-table";
import { useCallback, useState } from "react";
import { gql } from "../api";
import { askReason, DataTable, Link, Page, Problem, useAction, useLoad, when } from "../ui";

const SUBJECT = `query($id: ID!) { subject(id: $id) {
  id externalRef dateOfBirth createdAt legalHoldSince legalHoldReason restrictedSince restrictionReason
  consents { id purpose state noticeVersion noticeHash method evidenceRef separate byGuardian grantedAt expiresAt withdrawnAt }
  templates { id galleryId purpose modelId qualityScore createdAt lastUsedAt retainUntil } } }`;

interface Consent {
  id: string;
  purpose: string;
  state: string;
  noticeVersion: string;
  noticeHash: string | null;
  method: string;
  evidenceRef: string | null;
  separate: boolean;
  byGuardian: boolean;
  grantedAt: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
}
interface Template {
  id: string;
  galleryId: string;
  purpose: string;
  modelId: string;
  qualityScore: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  retainUntil: string;
}
interface Request {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
  daysLeft: number;
}

const c = createColumnHelper<Consent>();
const consentColumns = [
  c.accessor("purpose", { header: "Purpose" }),
  c.accessor("state", { header: "State", cell: (x) => <span className={`state ${x.getValue().toLowerCase()}`}>{x.getValue()}</span> }),
  c.accessor("noticeVersion", { header: "Notice version" }),
  c.accessor("method", { header: "Method" }),
  c.accessor("evidenceRef", { header: "Evidence", cell: (x) => x.getValue() ?? "—" }),
  c.accessor("byGuardian", { header: "By guardian", cell: (x) => (x.getValue() ? "yes" : "no") }),
  c.accessor("grantedAt", { header: "Granted", cell: (x) => when(x.getValue()) }),
  c.accessor("expiresAt", { header: "Expires", cell: (x) => when(x.getValue()) }),
  c.accessor("withdrawnAt", { header: "Withdrawn", cell: (x) => when(x.getValue()) }),
];
const t = createColumnHelper<Template>();
const templateColumns = [
  t.accessor("id", { header: "Template", cell: (x) => <code>{x.getValue()}</code> }),
  t.accessor("purpose", { header: "Purpose" }),
  t.accessor("modelId", { header: "Model" }),
  t.accessor("qualityScore", { header: "Quality", cell: (x) => (x.getValue() === null ? "—" : x.getValue()!.toFixed(2)) }),
  t.accessor("createdAt", { header: "Enrolled", cell: (x) => when(x.getValue()) }),
  t.accessor("lastUsedAt", { header: "Last used", cell: (x) => when(x.getValue()) }),
  t.accessor("retainUntil", { header: "Kept until", cell: (x) => when(x.getValue()) }),
];
const templateColumnsWithDelete = (remove: (id: string) => void) => [
  ...templateColumns,
  t.display({ id: "delete", header: "", cell: (x) => <button type="button" onClick={() => remove(x.row.original.id)}>Delete template</button> }),
];
interface Decision {
  id: string;
  purpose: string;
  match: boolean;
  scoreBand: string;
  actor: string;
  createdAt: string;
}
const d = createColumnHelper<Decision>();
const decisionColumns = [
  d.accessor("createdAt", { header: "When", cell: (x) => when(x.getValue()) }),
  d.accessor("purpose", { header: "Purpose" }),
  d.accessor("match", { header: "Outcome", cell: (x) => (x.getValue() ? "match" : "no match") }),
  d.accessor("scoreBand", { header: "Score band" }),
  d.accessor("actor", { header: "By", cell: (x) => <code>{x.getValue()}</code> }),
];
const r = createColumnHelper<Request>();
const requestColumns = [
  r.accessor("kind", { header: "Kind" }),
  r.accessor("status", { header: "Status" }),
  r.accessor("dueAt", { header: "Due", cell: (x) => when(x.getValue()) }),
  r.accessor("id", { header: "", cell: (x) => <Link to={`/requests?id=${encodeURIComponent(x.getValue())}`}>Open in the queue</Link> }),
];

export function SubjectPage({ id }: { id: string }) {
  const s = useLoad(() => gql(SUBJECT, { id }), [id]);
  const reqs = useLoad(() => gql(`query($id: ID!) { dataSubjectRequests(subjectId: $id) { id kind status dueAt daysLeft } }`, { id }), [id]);
  const decisions = useLoad(() => gql(`query($id: ID!) { verificationDecisions(first: 20, filter: { subjectId: $id }) { totalCount edges { node { id purpose match scoreBand actor createdAt } } } }`, { id }), [id]);
  const [kind, setKind] = useState("EXPORT");
  const { reload: reloadSubject } = s;
  const { reload: reloadRequests } = reqs;
  const action = useAction(useCallback(() => (reloadSubject(), reloadRequests()), [reloadSubject, reloadRequests]));
  const act = (what: string, query: string, vars: Record<string, unknown>) => action.run(`${what}: done.`, query, { id, ...vars });

  if (s.error) return <Page title="Subject"><Problem error={s.error} /></Page>;
  const subject = s.data?.subject;
  if (!subject) return <Page title="Subject"><p>Loading…</p></Page>;

  return (
    <Page title={`Subject ${subject.externalRef ?? subject.id}`}>
      <dl className="facts">
        <dt>Subject id</dt>
        <dd><code>{subject.id}</code></dd>
        <dt>External reference</dt>
        <dd>{subject.externalRef ?? "—"}</dd>
        <dt>Date of birth</dt>
        <dd>{subject.dateOfBirth ?? "—"}</dd>
        <dt>Created</dt>
        <dd>{when(subject.createdAt)}</dd>
        <dt>Legal hold</dt>
        <dd>{subject.legalHoldSince ? `since ${when(subject.legalHoldSince)}: ${subject.legalHoldReason}` : "none"}</dd>
        <dt>Restriction of processing</dt>
        <dd>{subject.restrictedSince ? `since ${when(subject.restrictedSince)}: ${subject.restrictionReason}` : "none"}</dd>
      </dl>
      <div className="actions" role="group" aria-label="Subject actions">
        {subject.legalHoldSince ? (
          <button type="button" onClick={() => act("Legal hold released", `mutation($id: ID!) { releaseLegalHold(subjectId: $id) { id } }`, {})}>Release legal hold</button>
        ) : (
          <button type="button" onClick={() => { const reason = askReason("the legal hold"); if (reason) void act("Legal hold placed", `mutation($id: ID!, $r: String!) { setLegalHold(subjectId: $id, reason: $r) { id } }`, { r: reason }); }}>Place legal hold</button>
        )}
        {subject.restrictedSince ? (
          <button type="button" onClick={() => act("Restriction lifted", `mutation($id: ID!) { liftRestriction(subjectId: $id) { id } }`, {})}>Lift restriction</button>
        ) : (
          <button type="button" onClick={() => { const reason = askReason("restricting processing"); if (reason) void act("Processing restricted", `mutation($id: ID!, $r: String!) { restrictProcessing(subjectId: $id, reason: $r) { id } }`, { r: reason }); }}>Restrict processing</button>
        )}
        <label>
          Open a request
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="ACCESS">Access</option>
            <option value="EXPORT">Export (portability)</option>
            <option value="ERASURE">Erasure</option>
            <option value="RECTIFICATION">Rectification</option>
          </select>
        </label>
        <button type="button" onClick={() => act("Request opened", `mutation($id: ID!, $k: DataSubjectRequestKind!) { openDataSubjectRequest(subjectId: $id, kind: $k) { id } }`, { k: kind })}>
          Open request
        </button>
      </div>
      {action.feedback}
      <h2>Consents and their evidence</h2>
      <DataTable caption="Consents" columns={consentColumns} data={subject.consents} empty="No consent recorded." />
      <h2>Templates (metadata only)</h2>
      <DataTable
        caption="Face templates"
        columns={templateColumnsWithDelete((templateId) => window.confirm("Destroy this template? It cannot be undone.") && void act("Template destroyed", `mutation($t: ID!) { deleteTemplate(templateId: $t) { templateId } }`, { t: templateId }))}
        data={subject.templates}
        empty="No template."
      />
      <h2>Verification decisions</h2>
      {decisions.error ? (
        <Problem error={decisions.error} />
      ) : (
        <DataTable caption={`${decisions.data?.verificationDecisions.totalCount ?? 0} decision(s), newest first`} columns={decisionColumns} data={decisions.data?.verificationDecisions.edges.map((e: { node: Decision }) => e.node) ?? []} empty="No decision." />
      )}
      <h2>Data subject requests</h2>
      {reqs.error ? <Problem error={reqs.error} /> : <DataTable caption="Requests" columns={requestColumns} data={reqs.data?.dataSubjectRequests ?? []} empty="No request." />}
    </Page>
  );
}
