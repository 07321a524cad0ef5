/** A tiny router over the History API: paths under /portal. */
import { useEffect, useState } from "react";

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  window.history.pushState(null, "", `/portal${to}`);
  listeners.forEach((l) => l());
}

/** The current path below /portal ("/" for the dashboard), without its query; re-renders on every navigation. */
export function usePath(): string {
  const read = () => (window.location.pathname.replace(/^\/portal/, "") || "/") + window.location.search;
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path.split("?")[0]!;
}
