import { useState, type FormEvent } from "react";
import { ApiError, signIn, type PortalUser } from "../api";

export function SignInPage({ onSignedIn }: { onSignedIn: (u: PortalUser) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const { user } = await signIn(String(f.get("tenant")), String(f.get("email")), String(f.get("password")));
      onSignedIn(user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "The server could not be reached.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>Admin consent portal</h1>
      <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <label>
          Organisation (tenant)
          <input name="tenant" required autoComplete="organization" autoFocus />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required autoComplete="username" />
        </label>
        <label>
          Password
          <input name="password" type="password" required autoComplete="current-password" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && (
          <p id="sign-in-error" className="problem" role="alert">
            {error}
          </p>
        )}
      </form>
      <p className="hint">No image or biometric template is ever shown here.</p>
    </main>
  );
}
