/** Small shared pieces: data loading, refusals, tables (TanStack Table), links. */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiError, gql } from "./api";
import { navigate } from "./router";

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; keeps the last error for display. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A refusal or failure, said plainly; a missing permission names the role's limit. */
export function Problem({ error }: { error: Error }) {
  const refused = error instanceof ApiError && error.code === "FORBIDDEN";
  const byRole = error instanceof ApiError && error.reason === "SCOPE_REQUIRED";
  const title = byRole ? "Not permitted for your role." : refused ? "Refused." : error instanceof ApiError && error.code === "BAD_USER_INPUT" ? "Not accepted." : "Something went wrong.";
  return (
    <div className={refused ? "problem refused" : "problem"} role="alert">
      <strong>{title}</strong> {error.message}
      {error instanceof ApiError && <span className="reason"> ({error.reason})</span>}
    </div>
  );
}

export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} — admin consent portal`;
  }, [title]);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title">{title}</h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a
      href={`/portal${to}`}
      className={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function DataTable<T>({ columns, data, caption, empty = "Nothing to show." }: { columns: ColumnDef<T, any>[]; data: T[]; caption: string; empty?: string }) {
  const table = useReactTable({ columns, data, getCoreRowModel: getCoreRowModel() });
  return (
    <div className="table-wrap">
    <table className="data">
      <caption>{caption}</caption>
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th key={h.id} scope="col">
                {flexRender(h.column.columnDef.header, h.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        ) : (
          table.getRowModel().rows.map((r) => (
            <tr key={r.id}>
              {r.getVisibleCells().map((c) => (
                <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
    </div>
  );
}

export const when = (d: string | null | undefined) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

/** Asks for a reason before a consequential action; null when cancelled. */
export function askReason(what: string): string | null {
  const r = window.prompt(`Reason for ${what} (recorded in the audit trail):`);
  return r && r.trim() ? r.trim() : null;
}

/** A select of fixed options with "any" first (for filters). */
export function Choice({ label, name, options }: { label: string; name: string; options: readonly string[] }) {
  return (
    <label>
      {label}
      <select name={name} defaultValue="">
        <option value="">any</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

/** The non-empty, trimmed values of a form's fields, by name (a filter object). */
export function filledFields(form: HTMLFormElement, names: readonly string[]): Record<string, string> {
  const f = new FormData(form);
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = String(f.get(n) ?? "").trim();
    if (v) out[n] = v;
  }
  return out;
}

/**
 * A page's mutations: `run` sends one, shows its refusal or a short confirmation, and
 * reloads what the page shows; the GraphQL data is returned (null after a refusal).
 */
export function useAction(reload: () => void) {
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useCallback(
    async (done: string, query: string, variables: Record<string, unknown> = {}) => {
      setError(null);
      setNotice(null);
      try {
        const data = await gql(query, variables);
        setNotice(done);
        reload();
        return data;
      } catch (e) {
        setError(e as Error);
        return null;
      }
    },
    [reload],
  );
  const feedback = (
    <>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && <Problem error={error} />}
    </>
  );
  return { run, feedback };
}
