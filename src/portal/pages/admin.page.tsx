/** Administrators: the tenant's portal users and API keys (metadata only; a new key's secret is shown once). */
import { createColumnHelper } from "@tanstack/react-table";
import { useCallback, useState, type FormEvent } from "react";
import { gql } from "../api";
import { DataTable, Page, Problem, useAction, useLoad, when } from "../ui";

interface User {
  id: string;
  email: string;
  displayName: string;
  role: string;
  createdAt: string;
  disabledAt: string | null;
  lockedUntil: string | null;
}
interface Key {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
}
const u = createColumnHelper<User>();
const k = createColumnHelper<Key>();

export function AdminPage() {
  const users = useLoad(() => gql(`{ portalUsers { id email displayName role createdAt disabledAt lockedUntil } }`), []);
  const keys = useLoad(() => gql(`{ apiKeys { id name scopes createdAt revokedAt expiresAt } }`), []);
  const [secret, setSecret] = useState<string | null>(null);
  const { reload: reloadUsers } = users;
  const { reload: reloadKeys } = keys;
  const action = useAction(useCallback(() => (reloadUsers(), reloadKeys()), [reloadUsers, reloadKeys]));
  const act = (query: string, vars: Record<string, unknown>) => action.run("Saved.", query, vars);
  const addUser = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const d = await act(`mutation($i: CreatePortalUserInput!) { createPortalUser(input: $i) { id } }`, { i: { email: f.get("email"), displayName: f.get("displayName"), role: f.get("role"), password: f.get("password") } });
    if (d) form.reset();
  };
  const addKey = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const scopes = String(f.get("scopes")).split(/[\s,]+/).filter(Boolean);
    const d = await act(`mutation($n: String!, $s: [String!]!) { createApiKey(name: $n, scopes: $s) { apiKey } }`, { n: f.get("name"), s: scopes });
    if (d) setSecret(d.createApiKey.apiKey);
  };
  const userColumns = [
    u.accessor("email", { header: "E-mail" }),
    u.accessor("displayName", { header: "Name" }),
    u.accessor("role", { header: "Role" }),
    u.accessor("createdAt", { header: "Created", cell: (c) => when(c.getValue()) }),
    u.accessor("lockedUntil", { header: "Locked until", cell: (c) => when(c.getValue()) }),
    u.accessor("disabledAt", {
      header: "Access",
      cell: (c) => (
        <button type="button" onClick={() => act(`mutation($id: ID!, $d: Boolean!) { setPortalUserDisabled(id: $id, disabled: $d) { id } }`, { id: c.row.original.id, d: c.getValue() === null })}>
          {c.getValue() === null ? "Disable" : "Enable"}
        </button>
      ),
    }),
  ];
  const keyColumns = [
    k.accessor("name", { header: "Name" }),
    k.accessor("id", { header: "Key id", cell: (c) => <code>{c.getValue()}</code> }),
    k.accessor("scopes", { header: "Scopes", cell: (c) => c.getValue().join(" ") }),
    k.accessor("createdAt", { header: "Created", cell: (c) => when(c.getValue()) }),
    k.accessor("revokedAt", {
      header: "State",
      cell: (c) => (c.getValue() ? `revoked ${when(c.getValue())}` : <button type="button" onClick={() => act(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: c.row.original.id })}>Revoke</button>),
    }),
  ];
  return (
    <Page title="Users and API keys">
      {action.feedback}
      <h2>Portal users</h2>
      {users.error ? <Problem error={users.error} /> : <DataTable caption="Portal users" columns={userColumns} data={users.data?.portalUsers ?? []} />}
      <form className="inline" onSubmit={addUser} aria-label="New portal user">
        <label>
          E-mail
          <input name="email" type="email" required />
        </label>
        <label>
          Name
          <input name="displayName" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="AUDITOR">
            <option value="ADMINISTRATOR">Administrator</option>
            <option value="PRIVACY_OFFICER">Privacy officer</option>
            <option value="AUDITOR">Auditor</option>
          </select>
        </label>
        <label>
          First password (12+ characters)
          <input name="password" type="password" minLength={12} required autoComplete="new-password" />
        </label>
        <button type="submit">Add user</button>
      </form>
      <h2>API keys</h2>
      {keys.error ? <Problem error={keys.error} /> : <DataTable caption="API keys (metadata only)" columns={keyColumns} data={keys.data?.apiKeys ?? []} />}
      <form className="inline" onSubmit={addKey} aria-label="New API key">
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Scopes
          <input name="scopes" required placeholder="faces:verify subjects:read" />
        </label>
        <button type="submit">Create key</button>
      </form>
      {secret && (
        <p className="notice" role="status">
          New key (shown once, copy it now): <code>{secret}</code>
        </p>
      )}
    </Page>
  );
}
