/**
 * The tenant at a glance. Each figure is its own query: a figure the role may not see says
 * so, and the others still show.
 */
import type { ReactNode } from "react";
import { gql, type PortalUser } from "../api";
import { Link, Page, useLoad } from "../ui";

const DAY = 86_400_000;

function Figure({ label, load, render, to }: { label: string; load: () => Promise<any>; render: (d: any) => ReactNode; to?: string }) {
  const r = useLoad(load, []);
  const body = r.loading ? "…" : r.error ? <span className="muted" title={r.error.message}>not available to your role</span> : render(r.data);
  return (
    <div className="figure">
      <h2>{to ? <Link to={to}>{label}</Link> : label}</h2>
      <div className="value">{body}</div>
    </div>
  );
}

interface PurposeCounts {
  purpose: string;
  active: number;
  withdrawn: number;
  expired: number;
}

/** Each purpose of the tenant's policy with its consents by state (one query a purpose). */
async function consentsByPurpose(): Promise<PurposeCounts[]> {
  const ropa = await gql(`{ recordOfProcessing }`);
  const purposes = ((ropa.recordOfProcessing.activities ?? []) as { purpose: string }[]).map((a) => a.purpose);
  return Promise.all(
    purposes.map(async (purpose) => {
      const d = await gql(
        `query($p: String!) { a: consents(first: 1, filter: { purpose: $p, state: "ACTIVE" }) { totalCount } w: consents(first: 1, filter: { purpose: $p, state: "WITHDRAWN" }) { totalCount } e: consents(first: 1, filter: { purpose: $p, state: "EXPIRED" }) { totalCount } }`,
        { p: purpose },
      );
      return { purpose, active: d.a.totalCount, withdrawn: d.w.totalCount, expired: d.e.totalCount };
    }),
  );
}

function ConsentTable({ rows }: { rows: PurposeCounts[] }) {
  return (
    <table className="mini">
      <thead>
        <tr>
          <th scope="col">Purpose</th>
          <th scope="col">Active</th>
          <th scope="col">Withdrawn</th>
          <th scope="col">Expired</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.purpose}>
            <th scope="row">{r.purpose}</th>
            <td>{r.active}</td>
            <td>{r.withdrawn}</td>
            <td>{r.expired}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage({ user }: { user: PortalUser }) {
  const in7 = new Date(Date.now() + 7 * DAY).toISOString();
  const open = ["AWAITING_IDENTITY", "IN_PROGRESS", "FAILED"];
  return (
    <Page title="Dashboard">
      <p className="muted">Signed in as {user.email}.</p>
      <div className="figures">
        <Figure
          label="Subjects with biometric data"
          load={() => gql(`{ biometricSubjectCount { subjects filingThreshold filingRequired } }`)}
          render={(d) => (
            <>
              {d.biometricSubjectCount.subjects.toLocaleString()} <small>of the {d.biometricSubjectCount.filingThreshold.toLocaleString()} filing threshold</small>
              {d.biometricSubjectCount.filingRequired && <strong className="warn"> filing required</strong>}
            </>
          )}
        />
        <Figure
          label="Requests overdue"
          to="/requests"
          load={() => gql(`{ overdue: dataSubjectRequestQueue(first: 1, filter: { overdue: true }) { totalCount } }`)}
          render={(d) => <span className={d.overdue.totalCount > 0 ? "bad" : ""}>{d.overdue.totalCount}</span>}
        />
        <Figure
          label="Requests due in 7 days"
          to="/requests"
          load={() => gql(`query($due: DateTimeISO!, $s: [String!]) { due: dataSubjectRequestQueue(first: 1, filter: { dueBefore: $due, statuses: $s }) { totalCount } }`, { due: in7, s: open })}
          render={(d) => d.due.totalCount}
        />
        <Figure label="Consents by purpose" to="/consents" load={consentsByPurpose} render={(rows: PurposeCounts[]) => <ConsentTable rows={rows} />} />
        <Figure
          label="Deletions due by retention"
          load={() => gql(`{ retentionForecast { within7Days within30Days } }`)}
          render={(d) => `${d.retentionForecast.within7Days} in 7 days · ${d.retentionForecast.within30Days} in 30 days`}
        />
        <Figure label="Legal holds" to="/subjects" load={() => gql(`{ subjects(first: 1, filter: { legalHold: true }) { totalCount } }`)} render={(d) => d.subjects.totalCount} />
        <Figure
          label="Audit chain"
          to="/audit"
          load={() => gql(`{ verifyAuditChain { valid length problem } }`)}
          render={(d) => <span className={d.verifyAuditChain.valid ? "good" : "bad"}>{d.verifyAuditChain.valid ? `intact · ${d.verifyAuditChain.length} events` : `broken: ${d.verifyAuditChain.problem}`}</span>}
        />
        <Figure
          label="Key rotation"
          load={() => gql(`{ keyRotationStatus { currentVersion pending } }`)}
          render={(d) => `version ${d.keyRotationStatus.currentVersion}${d.keyRotationStatus.pending > 0 ? ` · ${d.keyRotationStatus.pending} keys still to re-wrap` : " · all keys current"}`}
        />
      </div>
    </Page>
  );
}
