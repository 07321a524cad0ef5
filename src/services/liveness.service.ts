/**
 * Active liveness sessions. `start` checks the policy (the subject's consent covers
 * verification for the purpose) and returns a single-use session with a random challenge
 * order that expires after LIVENESS_SESSION_TTL_SECONDS; `submit` measures the frames
 * (pose, eyes, mouth, embedding) and judges them (src/domain/liveness-session.ts): the
 * challenges in order, one person throughout, and that person the subject (the first
 * frame matches the subject's templates at the verification threshold). A session is
 * judged once and a passed one is consumed once, by a verify call of the same subject and
 * purpose, before it expires. Frames, measurements and embeddings are never stored: the
 * session keeps only its challenges and verdict.
 */
import type { Clock, IdGenerator, RandomSource } from "../domain/clock.port.js";
import { validatePurpose } from "../domain/consent.js";
import { DomainError, isDomainError } from "../domain/errors.js";
import type { FaceEngine, ImageSource } from "../domain/face-engine.port.js";
import {
  checkSequence,
  LIVENESS_FAILURES,
  LIVENESS_SESSION_TTL_SECONDS,
  MAX_LIVENESS_FRAMES,
  newChallenges,
  type Challenge,
  type FrameObservation,
  type LivenessFailure,
  type LivenessSession,
} from "../domain/liveness-session.js";
import type { Store } from "../domain/repositories.port.js";
import type { Actor } from "../domain/tenant.js";
import { cosineSimilarity } from "../math/vector.js";
import type { TenantCaller } from "./access.js";
import type { OperationRunner } from "./operation.js";
import type { PolicyService } from "./policy.service.js";
import type { SubjectMatcher } from "./subject-match.js";

export interface StartedSession {
  sessionId: string;
  challenges: Challenge[];
  expiresAt: Date;
}

export interface LivenessVerdict {
  sessionId: string;
  passed: boolean;
  reasons: LivenessFailure[];
  challenges: Challenge[];
  framesChecked: number;
}

export class LivenessService {
  constructor(
    private readonly store: Store,
    private readonly ops: OperationRunner,
    private readonly policy: PolicyService,
    private readonly engine: FaceEngine,
    private readonly matcher: SubjectMatcher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly random: RandomSource,
  ) {}

  async start(actor: Actor, input: { subjectId: string; purpose: string }): Promise<StartedSession> {
    return this.ops.use(actor, { action: "START_LIVENESS_SESSION", subjectId: input.subjectId, purpose: input.purpose, scope: "faces:verify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      await this.policy.authorize(this.store, caller, input.subjectId, "verify", purpose);
      const now = this.clock.now();
      const session: LivenessSession = {
        id: this.ids.next("liv"),
        tenantId: caller.tenantId,
        subjectId: input.subjectId,
        purpose,
        challenges: newChallenges(this.random),
        status: "PENDING",
        createdAt: now,
        expiresAt: new Date(now.getTime() + LIVENESS_SESSION_TTL_SECONDS * 1000),
        completedAt: null,
        failureReasons: [],
      };
      await this.ops.transaction(async (tx, audit) => {
        await tx.livenessSessions.create(session);
        audit.record({ ...ctx, purpose, outcome: "SUCCESS", targetId: session.id });
      });
      return { sessionId: session.id, challenges: session.challenges, expiresAt: session.expiresAt };
    });
  }

  async submit(actor: Actor, input: { sessionId: string; frames: ImageSource[] }): Promise<LivenessVerdict> {
    return this.ops.use(actor, { action: "CHECK_LIVENESS_SESSION", targetId: input.sessionId, scope: "faces:verify" }, async ({ caller, ctx }) => {
      const session = await this.store.livenessSessions.find(caller.tenantId, input.sessionId);
      if (!session) throw new DomainError("LIVENESS_SESSION_NOT_FOUND", "no such liveness session");
      const judged = (reasons: LivenessFailure[], frames: number): LivenessVerdict => ({ sessionId: session.id, passed: reasons.length === 0, reasons, challenges: session.challenges, framesChecked: frames });
      if (session.status !== "PENDING") return judged(["SESSION_USED"], 0);
      if (this.clock.now() >= session.expiresAt) return this.record(caller, session, judged(["SESSION_EXPIRED"], 0));
      if (input.frames.length === 0 || input.frames.length > MAX_LIVENESS_FRAMES) {
        throw new DomainError("INVALID_INPUT", `send 1 to ${MAX_LIVENESS_FRAMES} frames`, { maxFrames: MAX_LIVENESS_FRAMES });
      }
      const rule = await this.policy.authorize(this.store, caller, session.subjectId, "verify", session.purpose);
      const { modelId, templates } = await this.matcher.templatesFor(caller.tenantId, session.subjectId, session.purpose, this.engine.modelIds);

      const observations: FrameObservation[] = [];
      const embeddings: Float32Array[] = [];
      let noFace = false;
      try {
        for (const frame of input.frames) {
          let capture;
          try {
            capture = await this.engine.capture(await frame(), "largest", { quality: true, challenges: true }, [modelId]);
          } catch (e) {
            if (isDomainError(e) && e.reason === "NO_FACE") {
              noFace = true;
              continue;
            }
            throw e;
          }
          embeddings.push(capture.embedding);
          const m = capture.measures!;
          observations.push({
            yaw: m.yaw,
            leftEyeClosed: m.leftEyeClosed,
            rightEyeClosed: m.rightEyeClosed,
            mouthOpen: m.mouthOpen,
            similarityToFirst: cosineSimilarity(capture.embedding, embeddings[0]!),
          });
        }
        const verdict = checkSequence(session.challenges, observations);
        const reasons = new Set<LivenessFailure>(verdict.reasons);
        if (noFace) reasons.add("NO_FACE_IN_FRAME");
        if (embeddings.length > 0) {
          const match = await this.matcher.compare(caller.tenantId, session.subjectId, templates, embeddings[0]!, modelId, rule);
          if (!match.match) reasons.add("SUBJECT_MISMATCH");
        }
        return await this.record(caller, session, judged(LIVENESS_FAILURES.filter((r) => reasons.has(r)), input.frames.length));
      } finally {
        for (const e of embeddings) e.fill(0);
      }
    });
  }

  /**
   * Uses up a passed session for one verification of `subjectId` for `purpose`; throws
   * LIVENESS_FAILED (with the failure in extensions.livenessFailures) otherwise.
   */
  async consume(caller: TenantCaller, sessionId: string, subjectId: string, purpose: string): Promise<void> {
    const fail = (failure: LivenessFailure) => new DomainError("LIVENESS_FAILED", `the liveness session cannot be used: ${failure}`, { livenessFailures: [failure] });
    const session = await this.store.livenessSessions.find(caller.tenantId, sessionId);
    if (!session) throw new DomainError("LIVENESS_SESSION_NOT_FOUND", "no such liveness session");
    if (session.subjectId !== subjectId) throw fail("WRONG_SUBJECT");
    if (session.purpose !== purpose) throw fail("WRONG_PURPOSE");
    if (session.status === "CONSUMED") throw fail("SESSION_USED");
    if (session.status !== "PASSED") throw fail("SESSION_NOT_PASSED");
    if (this.clock.now() >= session.expiresAt) throw fail("SESSION_EXPIRED");
    const ok = await this.store.livenessSessions.transition(caller.tenantId, sessionId, "PASSED", { status: "CONSUMED" });
    if (!ok) throw fail("SESSION_USED");
  }

  /** Stores the verdict (once: a concurrent judgement makes this one SESSION_USED) and audits it. */
  private async record(caller: TenantCaller, session: LivenessSession, verdict: LivenessVerdict): Promise<LivenessVerdict> {
    const now = this.clock.now();
    return this.ops.transaction(async (tx, audit) => {
      const ok = await tx.livenessSessions.transition(caller.tenantId, session.id, "PENDING", {
        status: verdict.passed ? "PASSED" : "FAILED",
        completedAt: now,
        failureReasons: verdict.reasons,
      });
      if (!ok) return { ...verdict, passed: false, reasons: ["SESSION_USED"] };
      audit.record({
        tenantId: caller.tenantId,
        actor: caller.label,
        action: "CHECK_LIVENESS_SESSION",
        subjectId: session.subjectId,
        purpose: session.purpose,
        targetId: session.id,
        outcome: "SUCCESS",
        reason: verdict.passed ? "PASSED" : verdict.reasons.join(","),
      });
      return verdict;
    });
  }
}
