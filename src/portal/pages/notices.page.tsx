/** Privacy notices: every published version and language with its text's hash; a new one published here. */
import { createColumnHelper } from "@tanstack/react-table";
import { useCallback, type FormEvent } from "react";
import { gql } from "../api";
import { DataTable, Page, Problem, useAction, useLoad, when } from "../ui";

interface Notice {
  id: string;
  version: string;
  language: string;
  textHash: string;
  effectiveFrom: string;
  text: string;
}
const n = createColumnHelper<Notice>();
const columns = [
  n.accessor("version", { header: "Version" }),
  n.accessor("language", { header: "Language" }),
  n.accessor("effectiveFrom", { header: "In effect from", cell: (c) => when(c.getValue()) }),
  n.accessor("textHash", { header: "SHA-256 of the text", cell: (c) => <code>{c.getValue().slice(0, 16)}…</code> }),
  n.accessor("text", { header: "Text", cell: (c) => <details><summary>show</summary><p className="notice-text">{c.getValue()}</p></details> }),
];

export function NoticesPage() {
  const notices = useLoad(() => gql(`{ privacyNotices { id version language textHash effectiveFrom text } }`), []);
  const { reload } = notices;
  const action = useAction(useCallback(() => reload(), [reload]));
  const publish = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const done = await action.run("Published.", `mutation($i: PublishPrivacyNoticeInput!) { publishPrivacyNotice(input: $i) { id } }`, {
      i: { version: f.get("version"), language: f.get("language"), text: f.get("text"), effectiveFrom: new Date(`${String(f.get("effectiveFrom"))}T00:00:00Z`).toISOString() },
    });
    if (done) form.reset();
  };
  return (
    <Page title="Privacy notices">
      {notices.error ? <Problem error={notices.error} /> : <DataTable caption="Published notices (never changed: a new text is a new version)" columns={columns} data={notices.data?.privacyNotices ?? []} empty="No notice published yet." />}
      <h2>Publish a notice</h2>
      <form className="inline" onSubmit={publish} aria-label="Publish a notice">
        <label>
          Version
          <input name="version" required placeholder="2026-11" />
        </label>
        <label>
          Language
          <input name="language" required placeholder="en" />
        </label>
        <label>
          In effect from
          <input name="effectiveFrom" type="date" required />
        </label>
        <label className="wide">
          Text
          <textarea name="text" required rows={6} />
        </label>
        <button type="submit">Publish</button>
      </form>
      {action.feedback}
    </Page>
  );
}
