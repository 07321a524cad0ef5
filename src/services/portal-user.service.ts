/**
 * People of a tenant who run the platform through the admin consent portal.
 *
 * - Users are created by the platform admin (a tenant's first administrator) or by a user
 *   or key holding `users:manage`; a role's scopes are fixed (src/domain/portal-user.ts).
 *   Passwords are kept only as memory-hard hashes.
 * - Signing in checks the password, counts failures and locks the account after
 *   LOCKOUT_ATTEMPTS in a row (an unknown e-mail costs the same hashing time, and says the
 *   same thing). A session is two random tokens: one for the httpOnly cookie, one the
 *   portal sends back in `x-csrf-token`; only their hashes are stored.
 * - Every sign-in, refused or not, every sign-out and every user change is audited with
 *   the user as actor; everything a user does later is audited as `user:<id>` by the
 *   services themselves.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import type { PasswordHasher } from "../domain/password-hasher.port.js";
import {
  isPortalRole,
  lockAfter,
  lockedAt,
  normaliseEmail,
  passwordProblem,
  ROLE_SCOPES,
  SESSION_TOUCH_SECONDS,
  sessionAlive,
  sessionTimes,
  type PortalUser,
} from "../domain/portal-user.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope } from "./access.js";
import type { OperationRunner } from "./operation.js";

export interface NewPortalUser {
  email: string;
  displayName: string;
  role: string;
  password: string;
}

export type PortalUserView = Omit<PortalUser, "passwordHash" | "failedAttempts">;
const view = ({ passwordHash: _h, failedAttempts: _f, ...u }: PortalUser): PortalUserView => u;

/** A user as the portal sees itself: with the scopes the role grants (to show only what it may open). */
export type SessionUser = PortalUserView & { scopes: readonly string[] };
const sessionUser = (u: PortalUser): SessionUser => ({ ...view(u), scopes: ROLE_SCOPES[u.role] });

export interface SignedIn {
  /** For the httpOnly session cookie. */
  sessionToken: string;
  /** For the portal to send back as `x-csrf-token`. */
  csrfToken: string;
  expiresAt: Date;
  user: SessionUser;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const token = () => randomBytes(32).toString("base64url");
const SIGN_IN_ACTOR = "portal:sign-in";

export class PortalUserService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly passwords: PasswordHasher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * A new user in the caller's tenant (a key or user with `users:manage`), or in
   * `tenantId` when the platform admin creates a tenant's first administrator.
   */
  async create(actor: Actor, input: NewPortalUser, tenantId?: string): Promise<PortalUserView> {
    if (actor.kind === "admin") {
      if (!tenantId) throw new DomainError("INVALID_INPUT", "the platform admin names the tenant (tenantId)");
      if (!(await this.store.tenants.findById(tenantId))) throw new DomainError("TENANT_NOT_FOUND", "no such tenant");
      return this.ops.run({ tenantId, actor: "admin", action: "CREATE_PORTAL_USER" }, () => this.insert(tenantId, "admin", input));
    }
    return this.ops.use(actor, { action: "CREATE_PORTAL_USER", scope: "users:manage" }, ({ caller }) => this.insert(caller.tenantId, caller.label, input));
  }

  private async insert(tenantId: string, actorLabel: string, input: NewPortalUser): Promise<PortalUserView> {
    const email = normaliseEmail(input.email);
    if (!email) throw new DomainError("INVALID_INPUT", "email must be an e-mail address");
    const displayName = input.displayName.trim();
    if (displayName.length < 1 || displayName.length > 100) throw new DomainError("INVALID_INPUT", "displayName must be 1 to 100 characters");
    if (!isPortalRole(input.role)) throw new DomainError("INVALID_INPUT", `role must be one of ${Object.keys(ROLE_SCOPES).join(", ")}`);
    const weak = passwordProblem(input.password);
    if (weak) throw new DomainError("INVALID_INPUT", weak);
    const user: PortalUser = {
      id: this.ids.next("usr"),
      tenantId,
      email,
      displayName,
      role: input.role,
      passwordHash: await this.passwords.hash(input.password),
      failedAttempts: 0,
      lockedUntil: null,
      createdAt: this.clock.now(),
      disabledAt: null,
    };
    await this.ops.transaction(async (tx, audit) => {
      if (await tx.portalUsers.findByEmail(tenantId, email)) throw new DomainError("ALREADY_EXISTS", "a portal user with this e-mail exists in the tenant");
      await tx.portalUsers.create(user);
      audit.record({ tenantId, actor: actorLabel, action: "CREATE_PORTAL_USER", outcome: "SUCCESS", targetId: user.id, reason: user.role });
    });
    return view(user);
  }

  async list(actor: Actor): Promise<PortalUserView[]> {
    const { tenantId } = requireScope(actor, "users:manage");
    return (await this.store.portalUsers.listForTenant(tenantId)).map(view);
  }

  /** Disables (or re-enables) a user; disabling ends their sessions at once. */
  async setDisabled(actor: Actor, userId: string, disabled: boolean): Promise<PortalUserView> {
    return this.ops.use(actor, { action: disabled ? "DISABLE_PORTAL_USER" : "ENABLE_PORTAL_USER", scope: "users:manage", targetId: userId }, ({ caller, ctx }) =>
      this.ops.transaction(async (tx, audit) => {
        const user = await tx.portalUsers.findById(caller.tenantId, userId);
        if (!user) throw new DomainError("PORTAL_USER_NOT_FOUND", "no such portal user in this tenant");
        if (actor.kind === "user" && actor.userId === userId && disabled) throw new DomainError("INVALID_INPUT", "a user cannot disable themselves");
        const at = disabled ? (user.disabledAt ?? this.clock.now()) : null;
        await tx.portalUsers.setDisabled(caller.tenantId, userId, at);
        if (disabled) await tx.portalSessions.deleteForUser(caller.tenantId, userId);
        audit.record({ ...ctx, outcome: "SUCCESS" });
        return view({ ...user, disabledAt: at });
      }),
    );
  }

  /** Signs in with the tenant's name, an e-mail and a password. */
  async signIn(tenantName: string, email: string, password: string): Promise<SignedIn> {
    const invalid = () => new DomainError("INVALID_CREDENTIALS", "the tenant, e-mail or password is not right");
    const tenant = await this.store.tenants.findByName(tenantName.trim());
    const normalised = normaliseEmail(email);
    const user = tenant && normalised ? await this.store.portalUsers.findByEmail(tenant.id, normalised) : null;
    if (!tenant || !user) {
      // The same hashing work as for a real user, so timing does not tell who exists.
      await this.passwords.verify(password, await this.passwords.decoy());
      if (tenant) await this.ops.run({ tenantId: tenant.id, actor: SIGN_IN_ACTOR, action: "PORTAL_SIGN_IN" }, () => Promise.reject(invalid()));
      throw invalid();
    }
    const ctx = { tenantId: tenant.id, actor: `user:${user.id}`, action: "PORTAL_SIGN_IN" };
    return this.ops.run(ctx, async () => {
      const now = this.clock.now();
      if (lockedAt(user, now)) {
        const retryAfter = Math.ceil((user.lockedUntil!.getTime() - now.getTime()) / 1000);
        throw new DomainError("ACCOUNT_LOCKED", "too many wrong passwords; the account is locked for a while", { retryAfter });
      }
      const ok = (await this.passwords.verify(password, user.passwordHash)) && user.disabledAt === null;
      if (!ok) {
        const failures = await this.store.portalUsers.countFailedSignIn(tenant.id, user.id);
        const lock = lockAfter(failures, now);
        if (lock) await this.store.portalUsers.setSignInState(tenant.id, user.id, 0, lock);
        throw invalid();
      }
      const sessionToken = token();
      const csrfToken = token();
      const times = sessionTimes(now);
      await this.ops.transaction(async (tx, audit) => {
        await tx.portalUsers.setSignInState(tenant.id, user.id, 0, null);
        await tx.portalSessions.create({ id: sha256(sessionToken), userId: user.id, tenantId: tenant.id, csrfHash: sha256(csrfToken), ...times });
        audit.record({ ...ctx, outcome: "SUCCESS", reason: user.role });
      });
      return { sessionToken, csrfToken, expiresAt: times.expiresAt, user: sessionUser({ ...user, failedAttempts: 0, lockedUntil: null }) };
    });
  }

  /**
   * The actor of a session cookie. `csrfToken` must match the session's (the portal sends
   * it in a header a cross-site form cannot set); a GET that only reads may pass `null`
   * when `requireCsrf` is false.
   */
  async authenticate(sessionToken: string, csrfToken: string | null, requireCsrf = true): Promise<Actor> {
    const invalid = new DomainError("SESSION_INVALID", "the portal session has ended; sign in again");
    const session = await this.store.portalSessions.find(sha256(sessionToken));
    const now = this.clock.now();
    if (!session || !sessionAlive(session, now)) {
      if (session) await this.store.portalSessions.delete(session.id);
      throw invalid;
    }
    if (requireCsrf) {
      const given = Buffer.from(sha256(csrfToken ?? ""), "hex");
      if (csrfToken === null || !timingSafeEqual(given, Buffer.from(session.csrfHash, "hex"))) {
        throw new DomainError("CSRF_REQUIRED", "a request made with the portal session must carry its x-csrf-token header");
      }
    }
    const user = await this.store.portalUsers.findById(session.tenantId, session.userId);
    if (!user || user.disabledAt !== null) {
      await this.store.portalSessions.delete(session.id);
      throw invalid;
    }
    if (now.getTime() - session.lastSeenAt.getTime() > SESSION_TOUCH_SECONDS * 1000) await this.store.portalSessions.touch(session.id, now);
    return { kind: "user", tenantId: user.tenantId, userId: user.id, role: user.role, scopes: ROLE_SCOPES[user.role] };
  }

  /** The signed-in user, with the CSRF token check skipped (used to restore the portal after a reload). */
  async whoAmI(actor: Actor): Promise<SessionUser> {
    if (actor.kind !== "user") throw new DomainError("SESSION_INVALID", "no portal session");
    const user = await this.store.portalUsers.findById(actor.tenantId, actor.userId);
    if (!user) throw new DomainError("SESSION_INVALID", "no portal session");
    return sessionUser(user);
  }

  async signOut(sessionToken: string): Promise<void> {
    const session = await this.store.portalSessions.find(sha256(sessionToken));
    if (!session) return;
    const ctx = { tenantId: session.tenantId, actor: `user:${session.userId}`, action: "PORTAL_SIGN_OUT" };
    await this.ops.run(ctx, () =>
      this.ops.transaction(async (tx, audit) => {
        await tx.portalSessions.delete(session.id);
        audit.record({ ...ctx, outcome: "SUCCESS" });
      }),
    );
  }
}
