/** Each purpose's rules, retention and the record of processing (RoPA), printable. */
import { gql } from "../api";
import { Page, Problem, useLoad } from "../ui";

function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined) return <>—</>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <>none</>;
    if (v.every((x) => typeof x !== "object" || x === null)) return <>{v.map(String).join(", ")}</>;
    return (
      <ol className="records">
        {v.map((x, i) => (
          <li key={i}>
            <Value v={x} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof v === "object") {
    return (
      <dl className="facts nested">
        {Object.entries(v as Record<string, unknown>).map(([k, x]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <Value v={x} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <>{String(v)}</>;
}

export function PoliciesPage() {
  const r = useLoad(() => gql(`{ recordOfProcessing }`), []);
  return (
    <Page title="Policies and record of processing" actions={<button type="button" onClick={() => window.print()}>Print</button>}>
      {r.error && <Problem error={r.error} />}
      {r.data && (
        <article className="ropa">
          <Value v={r.data.recordOfProcessing} />
        </article>
      )}
    </Page>
  );
}
