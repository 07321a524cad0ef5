/** The tenant's recorded decisions, newest first: 1:1 outcomes with score bands, 1:N searches with candidate counts. */
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { gql } from "../api";
import { Choice, DataTable, filledFields, Link, Page, Problem, useLoad, when } from "../ui";

interface Verification {
  id: string;
  subjectId: string;
  purpose: string;
  match: boolean;
  scoreBand: string;
  actor: string;
  createdAt: string;
}
interface Identification {
  id: string;
  galleryId: string;
  purpose: string;
  candidateCount: number;
  actor: string;
  createdAt: string;
}
const v = createColumnHelper<Verification>();
const verificationColumns = [
  v.accessor("createdAt", { header: "When", cell: (c) => when(c.getValue()) }),
  v.accessor("subjectId", { header: "Subject", cell: (c) => <Link to={`/subjects/${encodeURIComponent(c.getValue())}`}>{c.getValue()}</Link> }),
  v.accessor("purpose", { header: "Purpose" }),
  v.accessor("match", { header: "Outcome", cell: (c) => (c.getValue() ? "match" : "no match") }),
  v.accessor("scoreBand", { header: "Score band" }),
  v.accessor("actor", { header: "By", cell: (c) => <code>{c.getValue()}</code> }),
];
const i = createColumnHelper<Identification>();
const identificationColumns = [
  i.accessor("createdAt", { header: "When", cell: (c) => when(c.getValue()) }),
  i.accessor("galleryId", { header: "Gallery", cell: (c) => <code>{c.getValue()}</code> }),
  i.accessor("purpose", { header: "Purpose" }),
  i.accessor("candidateCount", { header: "Candidates" }),
  i.accessor("actor", { header: "By", cell: (c) => <code>{c.getValue()}</code> }),
];

export function DecisionsPage() {
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  const verifications = useLoad(() => gql(`query($f: VerificationRecordFilter) { verificationDecisions(first: 50, filter: $f) { totalCount edges { node { id subjectId purpose match scoreBand actor createdAt } } } }`, { f: filter }), [JSON.stringify(filter)]);
  const identifications = useLoad(() => gql(`query($p: String) { identificationDecisions(first: 50, filter: { purpose: $p }) { totalCount edges { node { id galleryId purpose candidateCount actor createdAt } } } }`, { p: filter["purpose"] ?? null }), [JSON.stringify(filter)]);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = filledFields(e.currentTarget, ["purpose", "outcome"]);
    setFilter({ ...(f["purpose"] ? { purpose: f["purpose"] } : {}), ...(f["outcome"] ? { match: f["outcome"] === "match" } : {}) });
  };
  return (
    <Page title="Decisions">
      <form className="filters" onSubmit={search} role="search">
        <label>
          Purpose
          <input name="purpose" placeholder="e.g. access_control" />
        </label>
        <Choice label="1:1 outcome" name="outcome" options={["match", "no match"]} />
        <button type="submit">Filter</button>
      </form>
      <h2>Verifications (1:1)</h2>
      {verifications.error ? <Problem error={verifications.error} /> : <DataTable caption={`${verifications.data?.verificationDecisions.totalCount ?? 0} decision(s), newest first`} columns={verificationColumns} data={verifications.data?.verificationDecisions.edges.map((e: { node: Verification }) => e.node) ?? []} />}
      <h2>Identifications (1:N)</h2>
      {identifications.error ? <Problem error={identifications.error} /> : <DataTable caption={`${identifications.data?.identificationDecisions.totalCount ?? 0} search(es), newest first`} columns={identificationColumns} data={identifications.data?.identificationDecisions.edges.map((e: { node: Identification }) => e.node) ?? []} />}
    </Page>
  );
}
