/**
 * Video and camera streams: a session opened for one gallery and purpose (policy: the
 * purpose must allow identification), fed frames over HTTP, that samples them at its rate,
 * tracks the faces across frames (src/domain/stream-tracker.ts), identifies each track
 * once (again only when its face's quality improves), and emits one identification event
 * per person per TTL to its listeners (server-sent events) and in the answer to the frame.
 *
 * Frames are never stored: each is decoded, processed and dropped. What is stored is what
 * identifyFace stores, per identification made (decision, candidates, audit event
 * STREAM_IDENTIFY), plus OPEN_STREAM and CLOSE_STREAM events. Tracks' embeddings live in
 * this process's memory for the session only and are wiped when a track ends or the
 * session closes. A session belongs to the process that opened it; one idle for too long
 * is closed. A frame arriving while the session's previous frame is still being processed
 * is dropped (counted): streams shed load instead of queueing it.
 */
import type { Clock, IdGenerator } from "../domain/clock.port.js";
import { DomainError } from "../domain/errors.js";
import { checkMaxFaces, wipeProcessing, type FaceEngine } from "../domain/face-engine.port.js";
import { DEFAULT_TRACKER, StreamTracker, type TrackEvent } from "../domain/stream-tracker.js";
import type { Actor } from "../domain/tenant.js";
import { validatePurpose } from "../domain/consent.js";
import type { Logger } from "../observability/logger.js";
import { noVideo, type VideoDecoder } from "../domain/video-decoder.port.js";
import { qualityReport } from "./capture-policy.js";
import type { IdentificationService } from "./identification.service.js";
import type { OperationRunner } from "./operation.js";
import { requireScope } from "./access.js";
import type { PurposePolicy } from "../domain/policy/policy.js";

export interface StreamLimits {
  /** Open sessions per tenant (in this process). */
  maxPerTenant: number;
  /** A session without frames or listeners for this long is closed. */
  idleMs: number;
  /** A frame taking longer than this to process is counted over budget. */
  frameBudgetMs: number;
}

export interface OpenStreamInput {
  galleryId: string;
  purpose: string;
  /** Frames processed per second of stream time (the rest are skipped). */
  sampleFps: number;
  /** One event per person per this many seconds. */
  eventTtlSeconds: number;
  /** Faces per frame, the largest first. */
  maxFaces: number;
}

export interface StreamEvent {
  /** Order of the event in its stream, from 1. */
  seq: number;
  kind: TrackEvent["kind"];
  subjectId: string | null;
  trackId: string;
  decisionId: string;
  /** The best candidate's score (IDENTIFIED). */
  score: number | null;
  /** Stream time of the frame the face was seen in (ms). */
  frameTimestampMs: number;
  /** From the frame's arrival to the event (ms). */
  latencyMs: number;
}

export interface StreamStats {
  id: string;
  galleryId: string;
  purpose: string;
  sampleFps: number;
  eventTtlSeconds: number;
  openedAt: Date;
  open: boolean;
  framesReceived: number;
  framesProcessed: number;
  /** Skipped by the sampling rate. */
  framesSampledOut: number;
  /** Dropped because the previous frame was still being processed. */
  framesDroppedBusy: number;
  /** Processed, but slower than the frame budget. */
  framesOverBudget: number;
  frameBudgetMs: number;
  meanFrameMs: number;
  maxFrameMs: number;
  activeTracks: number;
  identifications: number;
  events: number;
}

export interface VideoResult {
  /** Frames decoded at the session's sampling rate. */
  frames: number;
  processed: number;
  events: StreamEvent[];
}

export interface FrameResult {
  processed: boolean;
  /** Why not: SAMPLED_OUT or BUSY. */
  dropped: "SAMPLED_OUT" | "BUSY" | null;
  faces: number;
  frameMs: number;
  events: StreamEvent[];
}

interface Session {
  id: string;
  tenantId: string;
  actor: Actor;
  galleryId: string;
  purpose: string;
  rule: PurposePolicy;
  models: string[];
  maxFaces: number;
  tracker: StreamTracker;
  stats: StreamStats;
  totalFrameMs: number;
  events: StreamEvent[];
  listeners: Set<(e: StreamEvent | null) => void>;
  /** The frame being processed (settles when it is done), or null. */
  inFlight: Promise<void> | null;
  lastActivityMs: number;
}

/** Events kept per session for late listeners and polling. */
const KEPT_EVENTS = 1000;

export class StreamService {
  private readonly sessions = new Map<string, Session>();
  private readonly reaper: ReturnType<typeof setInterval>;

  constructor(
    private readonly ops: OperationRunner,
    private readonly identification: IdentificationService,
    private readonly engine: FaceEngine,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly log: Logger,
    private readonly limits: StreamLimits,
    private readonly decoder: VideoDecoder = noVideo,
  ) {
    this.reaper = setInterval(() => void this.closeIdle(), Math.min(30_000, limits.idleMs)).unref();
  }

  async open(actor: Actor, input: OpenStreamInput): Promise<StreamStats> {
    const id = this.ids.next("str");
    return this.ops.use(actor, { action: "OPEN_STREAM", purpose: input.purpose, targetId: id, scope: "faces:identify" }, async ({ caller, ctx }) => {
      const purpose = validatePurpose(input.purpose);
      if (!(input.sampleFps > 0 && input.sampleFps <= 60)) throw new DomainError("INVALID_INPUT", "sampleFps must be above 0 and at most 60");
      if (!(input.eventTtlSeconds >= 1 && input.eventTtlSeconds <= 86_400)) throw new DomainError("INVALID_INPUT", "eventTtlSeconds must be from 1 to 86400");
      checkMaxFaces(input.maxFaces);
      const open = [...this.sessions.values()].filter((s) => s.tenantId === caller.tenantId).length;
      if (open >= this.limits.maxPerTenant) throw new DomainError("STREAM_LIMIT", `at most ${this.limits.maxPerTenant} streams may be open at once; close one first`);
      const plan = await this.identification.plan(caller, input.galleryId, purpose);
      let tracks = 0;
      const tracker = new StreamTracker({ ...DEFAULT_TRACKER, sampleIntervalMs: 1000 / input.sampleFps, eventTtlMs: input.eventTtlSeconds * 1000 }, () => `trk_${++tracks}`);
      const openedAt = this.clock.now();
      const session: Session = {
        id,
        tenantId: caller.tenantId,
        actor,
        galleryId: plan.named.id,
        purpose,
        rule: plan.rule,
        models: plan.models,
        maxFaces: input.maxFaces,
        tracker,
        stats: {
          id,
          galleryId: plan.named.id,
          purpose,
          sampleFps: input.sampleFps,
          eventTtlSeconds: input.eventTtlSeconds,
          openedAt,
          open: true,
          framesReceived: 0,
          framesProcessed: 0,
          framesSampledOut: 0,
          framesDroppedBusy: 0,
          framesOverBudget: 0,
          frameBudgetMs: this.limits.frameBudgetMs,
          meanFrameMs: 0,
          maxFrameMs: 0,
          activeTracks: 0,
          identifications: 0,
          events: 0,
        },
        totalFrameMs: 0,
        events: [],
        listeners: new Set(),
        inFlight: null,
        lastActivityMs: openedAt.getTime(),
      };
      await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, purpose, outcome: "SUCCESS", reason: `gallery ${plan.named.id}` }));
      this.sessions.set(id, session);
      return this.statsOf(session);
    });
  }

  /** One frame: sampled, processed, its faces tracked and identified where due. `timestampMs` is stream time (default: now). */
  async frame(actor: Actor, streamId: string, image: Uint8Array, timestampMs: number | null): Promise<FrameResult> {
    const s = this.own(actor, streamId);
    const arrived = performance.now();
    s.stats.framesReceived++;
    s.lastActivityMs = this.clock.now().getTime();
    const at = timestampMs ?? s.lastActivityMs;
    if (!s.tracker.admit(at)) {
      s.stats.framesSampledOut++;
      return { processed: false, dropped: "SAMPLED_OUT", faces: 0, frameMs: 0, events: [] };
    }
    if (s.inFlight) {
      s.stats.framesDroppedBusy++;
      return { processed: false, dropped: "BUSY", faces: 0, frameMs: 0, events: [] };
    }
    let settle!: () => void;
    s.inFlight = new Promise<void>((resolve) => (settle = resolve));
    try {
      const seen = await this.engine.process(image, { faces: "all", maxFaces: s.maxFaces, checks: { quality: true }, models: s.models });
      try {
        const faces = seen.faces.map((f) => ({ box: f.face.box, embedding: f.embeddings[s.models[0]!]!, quality: f.measures ? qualityReport(s.rule, f.measures).score : 0 }));
        const events: StreamEvent[] = [];
        for (const o of s.tracker.observe(at, faces)) {
          if (!o.identify || !s.stats.open) continue;
          const face = seen.faces[faces.indexOf(o.face)]!;
          const r = await this.identification.identifyEmbedded(s.actor, { galleryId: s.galleryId, purpose: s.purpose, embeddings: face.embeddings, topK: 1, action: "STREAM_IDENTIFY", targetId: s.id });
          s.stats.identifications++;
          const best = r.candidates[0];
          const event = s.tracker.identified(o.track, o.face.quality, best?.subjectId ?? null, at);
          if (event) events.push(this.emit(s, event, r.decisionId, best?.score ?? null, performance.now() - arrived));
        }
        return { processed: true, dropped: null, faces: seen.faces.length, frameMs: performance.now() - arrived, events };
      } finally {
        wipeProcessing(seen);
      }
    } finally {
      s.inFlight = null;
      settle();
      const ms = performance.now() - arrived;
      s.stats.framesProcessed++;
      s.totalFrameMs += ms;
      s.stats.maxFrameMs = Math.max(s.stats.maxFrameMs, ms);
      if (ms > this.limits.frameBudgetMs) s.stats.framesOverBudget++;
    }
  }

  /**
   * A video file fed to the session: decoded at the session's sampling rate, its frames
   * processed in turn at stream time `offsetMs` + their time in the video (none dropped:
   * a file is not live). The decoded frames are wiped once processed.
   */
  async video(actor: Actor, streamId: string, source: AsyncIterable<Uint8Array>, offsetMs = 0): Promise<VideoResult> {
    const s = this.own(actor, streamId);
    if (!this.decoder.available) throw new DomainError("VIDEO_UNSUPPORTED", "video files need ffmpeg, which this server does not have; post frames instead");
    const result: VideoResult = { frames: 0, processed: 0, events: [] };
    for await (const f of this.decoder.frames(source, s.stats.sampleFps)) {
      try {
        result.frames++;
        while (s.inFlight) await s.inFlight;
        const r = await this.frame(actor, streamId, f.image, offsetMs + f.atMs);
        if (r.processed) result.processed++;
        result.events.push(...r.events);
      } finally {
        f.image.fill(0);
      }
    }
    return result;
  }

  /** The session's events after `afterSeq` (polling). */
  events(actor: Actor, streamId: string, afterSeq: number): StreamEvent[] {
    return this.own(actor, streamId).events.filter((e) => e.seq > afterSeq);
  }

  /** Calls `listener` with each new event (after replaying those after `afterSeq`), and with null when the session closes. */
  subscribe(actor: Actor, streamId: string, afterSeq: number, listener: (e: StreamEvent | null) => void): () => void {
    const s = this.own(actor, streamId);
    for (const e of s.events) if (e.seq > afterSeq) listener(e);
    s.listeners.add(listener);
    return () => s.listeners.delete(listener);
  }

  /** The session's events as an async iterable (after replaying those after `afterSeq`); it ends when the session closes or the consumer stops. */
  iterate(actor: Actor, streamId: string, afterSeq: number): AsyncIterableIterator<StreamEvent> {
    const queue: (StreamEvent | null)[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const unsubscribe = this.subscribe(actor, streamId, afterSeq, (e) => {
      queue.push(e);
      wake?.();
    });
    const finish = (): IteratorResult<StreamEvent> => {
      done = true;
      unsubscribe();
      return { value: undefined, done: true };
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next(): Promise<IteratorResult<StreamEvent>> {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const e = queue.shift();
        if (done || e === null || e === undefined) return finish();
        return { value: e, done: false };
      },
      async return(): Promise<IteratorResult<StreamEvent>> {
        const r = finish();
        wake?.();
        return r;
      },
    };
  }

  /** STREAM_NOT_FOUND (or SCOPE_REQUIRED) unless the actor may use this open session: checked before a request body is read. */
  ensureOpen(actor: Actor, streamId: string): void {
    this.own(actor, streamId);
  }

  stats(actor: Actor, streamId: string): StreamStats {
    return this.statsOf(this.own(actor, streamId));
  }

  async close(actor: Actor, streamId: string): Promise<StreamStats> {
    return this.ops.use(actor, { action: "CLOSE_STREAM", targetId: streamId, scope: "faces:identify" }, async ({ ctx }) => {
      const s = this.own(actor, streamId);
      const stats = this.end(s);
      await this.ops.transaction(async (_tx, audit) => audit.record({ ...ctx, purpose: s.purpose, outcome: "SUCCESS", reason: `${stats.framesProcessed} frames, ${stats.events} events` }));
      return stats;
    });
  }

  /** Ends every session (the process is stopping). */
  closeAll(): void {
    clearInterval(this.reaper);
    for (const s of [...this.sessions.values()]) this.end(s);
  }

  private own(actor: Actor, streamId: string): Session {
    const caller = requireScope(actor, "faces:identify");
    const s = this.sessions.get(streamId);
    if (!s || s.tenantId !== caller.tenantId) throw new DomainError("STREAM_NOT_FOUND", "no such open stream in this server process");
    return s;
  }

  private emit(s: Session, event: TrackEvent, decisionId: string, score: number | null, latencyMs: number): StreamEvent {
    const e: StreamEvent = {
      seq: ++s.stats.events,
      kind: event.kind,
      subjectId: event.kind === "IDENTIFIED" ? event.subjectId : null,
      trackId: event.trackId,
      decisionId,
      score,
      frameTimestampMs: event.atMs,
      latencyMs,
    };
    s.events.push(e);
    if (s.events.length > KEPT_EVENTS) s.events.shift();
    for (const l of s.listeners) l(e);
    return e;
  }

  private end(s: Session): StreamStats {
    s.stats.open = false;
    const stats = this.statsOf(s);
    s.tracker.close();
    for (const l of s.listeners) l(null);
    s.listeners.clear();
    this.sessions.delete(s.id);
    return stats;
  }

  private statsOf(s: Session): StreamStats {
    return { ...s.stats, activeTracks: s.tracker.activeTracks, meanFrameMs: s.stats.framesProcessed > 0 ? s.totalFrameMs / s.stats.framesProcessed : 0 };
  }

  private async closeIdle(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const s of [...this.sessions.values()]) {
      if (s.inFlight || s.listeners.size > 0 || now - s.lastActivityMs < this.limits.idleMs) continue;
      const stats = this.end(s);
      await this.ops
        .transaction(async (_tx, audit) =>
          audit.record({ tenantId: s.tenantId, actor: "system:stream-idle", action: "CLOSE_STREAM", targetId: s.id, purpose: s.purpose, outcome: "SUCCESS", reason: `idle; ${stats.framesProcessed} frames, ${stats.events} events` }),
        )
        .catch((e: unknown) => this.log.warn("stream close not audited", { streamId: s.id, error: e instanceof Error ? e.message : String(e) }));
    }
  }
}
