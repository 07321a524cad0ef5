/**
 * Data subject requests: open (access, export or erasure; due in one month), verify the
 * requester's identity (method and evidence reference recorded), extend once by two
 * months with a reason, fulfil. Access and export return a signed JSON document of
 * everything held about the subject (consents with notice versions, template metadata,
 * every decision and audit event involving them, retention dates), never vectors or
 * keys; only its sha256 is kept. Erasure runs the erasure service and keeps its report.
 */
import { createHash } from "node:crypto";
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import {
  REQUEST_KINDS,
  daysLeft,
  extendDueDate,
  initialDueDate,
  type DataSubjectRequest,
  type RequestFilter,
  type RequestKind,
  requireFulfillable,
} from "../domain/data-subject-request.js";
import type { Page, PageRequest } from "../domain/pagination.js";
import { DomainError } from "../domain/errors.js";
import type { Store } from "../domain/repositories.port.js";
import { signDocument } from "../domain/signed-document.js";
import { exportSubjectData } from "./subject-data.js";
import type { DocumentSigner } from "../domain/signer.port.js";
import type { Actor } from "../domain/tenant.js";
import { requireScope, type TenantCaller } from "./access.js";
import type { OperationRunner } from "./operation.js";
import type { ErasureReport, ErasureService } from "./erasure.service.js";
import { findSubjectOrThrow } from "./subject.service.js";
import { subjectFieldProblems } from "../domain/subject.js";

export const SUBJECT_EXPORT_FORMAT = "face-id/subject-export/v1";

export interface RequestView {
  request: DataSubjectRequest;
  daysLeft: number;
}

export interface FulfilResult {
  request: DataSubjectRequest;
  /** Access / export: the signed document (one line of JSON). */
  document: string | null;
  /** Erasure: the per-store report. */
  erasure: ErasureReport | null;
}

/** How resumed work appears in the audit trail. */
export const RECOVERY_ACTOR = "system:recovery";

export class DataSubjectRequestService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly erasure: ErasureService,
    private readonly signer: DocumentSigner,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async open(actor: Actor, subjectId: string, kind: string): Promise<RequestView> {
    return this.ops.use(actor, { action: "OPEN_DSR", subjectId, scope: "compliance:write" }, async ({ caller, ctx }) => {
      if (!(REQUEST_KINDS as readonly string[]).includes(kind)) throw new DomainError("INVALID_INPUT", `kind must be one of ${REQUEST_KINDS.join(", ")}`);
      return this.ops.transaction(async (tx, audit) => {
        await findSubjectOrThrow(tx, caller.tenantId, subjectId);
        const now = this.clock.now();
        const request: DataSubjectRequest = {
          id: this.ids.next("dsr"),
          tenantId: caller.tenantId,
          subjectId,
          kind: kind as RequestKind,
          status: "AWAITING_IDENTITY",
          openedAt: now,
          dueAt: initialDueDate(now),
          extendedAt: null,
          extensionReason: null,
          identityVerifiedAt: null,
          identityMethod: null,
          identityEvidence: null,
          completedAt: null,
          fulfilmentStartedAt: null,
          result: null,
        };
        await tx.requests.create(request);
        audit.record({ ...ctx, outcome: "SUCCESS", reason: kind, targetId: request.id });
        return { request, daysLeft: daysLeft(request, now) };
      });
    });
  }

  async get(actor: Actor, requestId: string): Promise<RequestView> {
    const { tenantId } = requireScope(actor, "compliance:read");
    const request = await this.findOrThrow(tenantId, requestId);
    return { request, daysLeft: daysLeft(request, this.clock.now()) };
  }

  async list(actor: Actor, subjectId: string): Promise<RequestView[]> {
    const { tenantId } = requireScope(actor, "compliance:read");
    const now = this.clock.now();
    return (await this.store.requests.listForSubject(tenantId, subjectId)).map((request) => ({ request, daysLeft: daysLeft(request, now) }));
  }

  /** The tenant's requests, soonest due first, a page at a time (the privacy officer's queue). */
  async queue(actor: Actor, filter: RequestFilter, page: PageRequest): Promise<Page<RequestView>> {
    const { tenantId } = requireScope(actor, "compliance:read");
    const now = this.clock.now();
    const result = await this.store.requests.listQueue(tenantId, filter, page, now);
    return { ...result, items: result.items.map((request) => ({ request, daysLeft: daysLeft(request, now) })) };
  }

  async verifyIdentity(actor: Actor, requestId: string, method: string, evidenceRef: string): Promise<RequestView> {
    return this.change(actor, requestId, "VERIFY_DSR_IDENTITY", (r, now) => {
      if (r.status !== "AWAITING_IDENTITY") throw new DomainError("REQUEST_STATE", `the request is ${r.status.toLowerCase()}, not awaiting identity verification`);
      const m = method.trim();
      const ev = evidenceRef.trim();
      if (m.length < 2 || m.length > 100 || ev.length < 1 || ev.length > 200) throw new DomainError("INVALID_INPUT", "identity verification needs a method (2-100 characters) and an evidence reference (1-200)");
      return { ...r, status: "IN_PROGRESS", identityVerifiedAt: now, identityMethod: m, identityEvidence: ev };
    });
  }

  async extend(actor: Actor, requestId: string, reason: string): Promise<RequestView> {
    return this.change(actor, requestId, "EXTEND_DSR", (r, now) => ({ ...r, dueAt: extendDueDate(r, reason), extendedAt: now, extensionReason: reason.trim() }));
  }

  async reject(actor: Actor, requestId: string, reason: string): Promise<RequestView> {
    return this.change(actor, requestId, "REJECT_DSR", (r, now) => {
      if (r.status === "COMPLETED" || r.status === "REJECTED") throw new DomainError("REQUEST_STATE", `the request is ${r.status.toLowerCase()}`);
      if (reason.trim().length < 10) throw new DomainError("INVALID_INPUT", "a rejection needs a reason (at least 10 characters) to tell the data subject");
      return { ...r, status: "REJECTED", completedAt: now, result: JSON.stringify({ rejected: reason.trim() }) };
    });
  }

  /** Carries the request out. Needs a verified identity; an erasure that failed part-way may be fulfilled again. */
  async fulfil(actor: Actor, requestId: string): Promise<FulfilResult> {
    return this.ops.use(actor, { action: "FULFIL_DSR", targetId: requestId, scope: "compliance:write" }, async ({ caller, ctx }) => {
      const request = await this.findOrThrow(caller.tenantId, requestId);
      requireFulfillable(request);
      if (request.kind === "RECTIFICATION") throw new DomainError("REQUEST_STATE", "a rectification is fulfilled by rectifySubject, with the corrected values");
      if (request.kind === "ERASURE") {
        // A subject under legal hold is refused before anything is marked or touched.
        const subject = await this.store.subjects.find(caller.tenantId, request.subjectId);
        if (subject?.legalHoldSince) throw new DomainError("LEGAL_HOLD", "the subject is under legal hold; erasure is suspended until it is released");
        // Committed before any store is touched: a crash from here on is resumed by itself.
        const started: DataSubjectRequest = { ...request, fulfilmentStartedAt: request.fulfilmentStartedAt ?? this.clock.now() };
        await this.ops.transaction(async (tx) => tx.requests.update(started));
        return this.completeErasure(caller, started);
      }
      const document = signDocument(SUBJECT_EXPORT_FORMAT, await this.collect(caller, request), this.signer);
      const done: DataSubjectRequest = {
        ...request,
        status: "COMPLETED",
        completedAt: this.clock.now(),
        result: `sha256:${createHash("sha256").update(document).digest("hex")}`,
      };
      await this.ops.transaction(async (tx, audit) => {
        await tx.requests.update(done);
        audit.record({ ...ctx, subjectId: request.subjectId, outcome: "SUCCESS", reason: request.kind });
      });
      return { request: done, document, erasure: null };
    });
  }

  /**
   * Fulfils a rectification request (GDPR Art. 16): the subject's external reference and/or
   * date of birth corrected, in one transaction with the request's completion. Needs a
   * verified identity; refused while the subject is under legal hold (its records are kept
   * as they are). The audit trail and the request record name the fields, never the values.
   */
  async rectify(actor: Actor, requestId: string, fields: { externalRef?: string; dateOfBirth?: Date }): Promise<DataSubjectRequest> {
    return this.ops.use(actor, { action: "RECTIFY_SUBJECT", targetId: requestId, scope: "compliance:write" }, async ({ caller, ctx }) => {
      const changed = Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined);
      if (changed.length === 0) throw new DomainError("INVALID_INPUT", "give the corrected externalRef, dateOfBirth or both");
      const problems = subjectFieldProblems(fields, this.clock.now());
      if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join("; "));
      return this.ops.transaction(async (tx, audit) => {
        const request = await tx.requests.findForUpdate(caller.tenantId, requestId);
        if (!request) throw new DomainError("REQUEST_NOT_FOUND", "no such data subject request");
        if (request.kind !== "RECTIFICATION") throw new DomainError("REQUEST_STATE", `this is an ${request.kind.toLowerCase()} request, not a rectification`);
        requireFulfillable(request);
        const subject = await findSubjectOrThrow(tx, caller.tenantId, request.subjectId);
        if (subject.legalHoldSince) throw new DomainError("LEGAL_HOLD", "the subject is under legal hold; its records are kept as they are until it is released");
        if (fields.externalRef !== undefined) {
          const other = await tx.subjects.findByExternalRef(caller.tenantId, fields.externalRef);
          if (other && other.id !== subject.id) throw new DomainError("ALREADY_EXISTS", "another subject has this externalRef");
        }
        await tx.subjects.rectify(caller.tenantId, subject.id, fields);
        const done: DataSubjectRequest = { ...request, status: "COMPLETED", completedAt: this.clock.now(), result: `rectified: ${changed.join(", ")}` };
        await tx.requests.update(done);
        audit.record({ ...ctx, subjectId: subject.id, outcome: "SUCCESS", reason: changed.join(",") });
        audit.record({ ...ctx, action: "FULFIL_DSR", subjectId: subject.id, outcome: "SUCCESS", reason: "RECTIFICATION" });
        return done;
      });
    });
  }

  /**
   * Erases the request's subject and records the outcome. Idempotent: an interrupted or
   * partly failed erasure run again finishes the job (erasure.service.ts).
   */
  private async completeErasure(caller: TenantCaller, request: DataSubjectRequest): Promise<FulfilResult> {
    const ctx = { tenantId: caller.tenantId, actor: caller.label, action: "FULFIL_DSR", targetId: request.id };
    const report = await this.erasure.erase(caller, request.subjectId, request.id);
    const done: DataSubjectRequest = {
      ...request,
      status: report.status === "COMPLETED" ? "COMPLETED" : "FAILED",
      completedAt: report.status === "COMPLETED" ? report.finishedAt : null,
      result: JSON.stringify(report),
    };
    await this.ops.transaction(async (tx, audit) => {
      await tx.requests.update(done);
      audit.record({ ...ctx, subjectId: request.subjectId, outcome: report.status === "COMPLETED" ? "SUCCESS" : "FAILED", reason: "ERASURE" });
    });
    return { request: done, document: null, erasure: report };
  }

  /**
   * Completes erasures whose fulfilment began and did not finish (a crash, kill -9, a store
   * that failed): run at start and by the sweep. A subject under legal hold stays as it is.
   * Returns how many were completed.
   */
  async resumeInterruptedErasures(limit = 100): Promise<number> {
    let completed = 0;
    for (const request of await this.store.requests.listInterruptedErasures(limit)) {
      try {
        const r = await this.completeErasure({ tenantId: request.tenantId, label: RECOVERY_ACTOR }, request);
        if (r.request.status === "COMPLETED") completed++;
      } catch {
        // LEGAL_HOLD or a dependency still down: the next sweep tries again.
      }
    }
    return completed;
  }

  /** Everything held about the subject, in a machine-readable form (src/services/subject-data.ts); never vectors or keys. */
  private async collect(caller: TenantCaller, request: DataSubjectRequest) {
    const subject = await findSubjectOrThrow(this.store, caller.tenantId, request.subjectId);
    const { subject: about, ...sections } = await exportSubjectData(this.store, subject);
    return {
      requestId: request.id,
      kind: request.kind,
      generatedAt: this.clock.now().toISOString(),
      controllerTenantId: caller.tenantId,
      subject: about?.[0],
      ...sections,
    };
  }

  private async findOrThrow(tenantId: string, id: string): Promise<DataSubjectRequest> {
    const r = await this.store.requests.find(tenantId, id);
    if (!r) throw new DomainError("REQUEST_NOT_FOUND", "no such data subject request");
    return r;
  }

  private async change(actor: Actor, requestId: string, action: string, apply: (r: DataSubjectRequest, now: Date) => DataSubjectRequest): Promise<RequestView> {
    return this.ops.use(actor, { action, scope: "compliance:write", targetId: requestId }, async ({ caller, ctx }) => {
      return this.ops.transaction(async (tx, audit) => {
        const request = await tx.requests.find(caller.tenantId, requestId);
        if (!request) throw new DomainError("REQUEST_NOT_FOUND", "no such data subject request");
        const now = this.clock.now();
        const next = apply(request, now);
        await tx.requests.update(next);
        audit.record({ ...ctx, subjectId: request.subjectId, outcome: "SUCCESS" });
        return { request: next, daysLeft: daysLeft(next, now) };
      });
    });
  }
}
