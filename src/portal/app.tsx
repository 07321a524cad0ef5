/**
 * The portal's frame: restores the session (or shows sign-in), then the navigation (only
 * the pages the role may see) and the page for the current path. A page opened by its
 * address without the permission still asks the server, which refuses; the page shows it.
 */
import { useEffect, useState } from "react";
import { currentSession, signOut, whenSignedOut, type PortalUser } from "./api";
import { navigate, usePath } from "./router";
import { Link } from "./ui";
import { SignInPage } from "./pages/sign-in.page";
import { DashboardPage } from "./pages/dashboard.page";
import { SubjectsPage } from "./pages/subjects.page";
import { SubjectPage } from "./pages/subject.page";
import { RequestsPage } from "./pages/requests.page";
import { ConsentsPage } from "./pages/consents.page";
import { NoticesPage } from "./pages/notices.page";
import { AuditPage } from "./pages/audit.page";
import { DecisionsPage } from "./pages/decisions.page";
import { PoliciesPage } from "./pages/policies.page";
import { AdminPage } from "./pages/admin.page";

const NAV: { to: string; label: string; scope: string | null }[] = [
  { to: "/", label: "Dashboard", scope: null },
  { to: "/subjects", label: "Subjects", scope: "subjects:read" },
  { to: "/requests", label: "Requests", scope: "compliance:read" },
  { to: "/consents", label: "Consents", scope: "subjects:read" },
  { to: "/notices", label: "Privacy notices", scope: "compliance:read" },
  { to: "/decisions", label: "Decisions", scope: "audit:read" },
  { to: "/audit", label: "Audit", scope: "audit:read" },
  { to: "/policies", label: "Policies", scope: "compliance:read" },
  { to: "/admin", label: "Users & keys", scope: "users:manage" },
];

export const ROLE_NAMES: Record<PortalUser["role"], string> = { ADMINISTRATOR: "Administrator", PRIVACY_OFFICER: "Privacy officer", AUDITOR: "Auditor" };

export function App() {
  const [user, setUser] = useState<PortalUser | null | undefined>(undefined);
  const path = usePath();
  useEffect(() => {
    whenSignedOut(() => setUser(null));
    currentSession().then(
      (s) => setUser(s.user),
      () => setUser(null),
    );
  }, []);

  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return <SignInPage onSignedIn={(u) => setUser(u)} />;

  const subject = /^\/subjects\/([^/]+)$/.exec(path);
  const page =
    path === "/" ? <DashboardPage user={user} /> :
    path === "/subjects" ? <SubjectsPage /> :
    subject ? <SubjectPage id={decodeURIComponent(subject[1]!)} /> :
    path === "/requests" ? <RequestsPage /> :
    path === "/consents" ? <ConsentsPage /> :
    path === "/notices" ? <NoticesPage /> :
    path === "/decisions" ? <DecisionsPage /> :
    path === "/audit" ? <AuditPage /> :
    path === "/policies" ? <PoliciesPage /> :
    path === "/admin" ? <AdminPage /> :
    <p role="alert">No such page.</p>;

  return (
    <div className="frame">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Face identity · consent portal</span>
        <span className="who">
          {user.displayName} · <span className="role">{ROLE_NAMES[user.role]}</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            await signOut().catch(() => undefined);
            setUser(null);
            navigate("/");
          }}
        >
          Sign out
        </button>
      </header>
      <nav aria-label="Portal">
        <ul>
          {NAV.filter((n) => n.scope === null || user.scopes.includes(n.scope)).map((n) => (
            <li key={n.to}>
              <Link to={n.to} className={path === n.to || (n.to !== "/" && path.startsWith(n.to)) ? "current" : ""}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}
