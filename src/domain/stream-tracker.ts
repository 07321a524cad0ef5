/**
 * Face tracking for a video or camera stream, in stream time (the frames' own
 * timestamps, so replaying a recording gives the same answer at any speed). Pure: no I/O,
 * no clock.
 *
 * - Sampling: a frame closer than `sampleIntervalMs` to the last processed one is skipped.
 * - Tracking: each face of a processed frame joins the track it overlaps most (IoU) if it
 *   still looks like that track's face, or, failing that, the track whose face it
 *   resembles (cosine of the embeddings: someone briefly hidden); otherwise it starts a
 *   track. A track unseen for `trackTimeoutMs` ends
 *   and its embedding is wiped.
 * - Identification: a track is identified once, when it starts (or on its next frame, when
 *   that failed), and again only when its face's quality has improved by `qualityGain`
 *   since (at most `maxIdentifications`).
 * - Events: one per person per `eventTtlMs` (a person leaving and coming back within it
 *   gives no second event); a face nobody in the gallery matches gives one UNKNOWN event
 *   per track.
 */
import type { FaceBox } from "./face-engine.port.js";

export interface TrackerSettings {
  sampleIntervalMs: number;
  eventTtlMs: number;
  trackTimeoutMs: number;
  /** Overlap (IoU) at or above which a face continues a track… */
  iouMatch: number;
  /** …unless its face resembles the track's less than this (someone else stepped into the place). */
  iouMinSimilarity: number;
  /** Cosine similarity at or above which a face continues a track it does not overlap. */
  embeddingMatch: number;
  /** Quality score gain (0–1) that makes a track worth identifying again. */
  qualityGain: number;
  maxIdentifications: number;
}

export const DEFAULT_TRACKER: TrackerSettings = {
  sampleIntervalMs: 200,
  eventTtlMs: 60_000,
  trackTimeoutMs: 2_000,
  iouMatch: 0.3,
  iouMinSimilarity: 0.3,
  embeddingMatch: 0.5,
  qualityGain: 0.15,
  maxIdentifications: 3,
};

export interface FaceObservation {
  box: FaceBox;
  /** L2-normalised; the tracker keeps a copy (wiped when the track ends). */
  embedding: Float32Array;
  /** Capture quality score in [0, 1]. */
  quality: number;
}

export interface Track {
  id: string;
  box: FaceBox;
  embedding: Float32Array;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Quality of the best face seen in the track. */
  bestQuality: number;
  /** Quality of the face last identified (null: never identified). */
  identifiedQuality: number | null;
  identifications: number;
  /** Who the last identification found (null: nobody, or not identified yet). */
  subjectId: string | null;
}

export interface Observed {
  track: Track;
  /** The face of this frame in the track (identify with its embedding). */
  face: FaceObservation;
  /** Whether this face should be identified now. */
  identify: boolean;
}

export type TrackEvent = { kind: "IDENTIFIED"; subjectId: string; trackId: string; atMs: number } | { kind: "UNKNOWN"; trackId: string; atMs: number };

export class StreamTracker {
  private readonly tracks = new Map<string, Track>();
  private lastProcessedMs: number | null = null;
  /** Stream time of the last event per person ("s:<subject>") or unknown track ("t:<track>"). */
  private readonly lastEvent = new Map<string, number>();

  constructor(
    readonly settings: TrackerSettings,
    private readonly newTrackId: () => string,
  ) {}

  /** Whether a frame at this stream time is processed (the sampling rate); the caller then calls `observe`. */
  admit(atMs: number): boolean {
    return this.lastProcessedMs === null || atMs - this.lastProcessedMs >= this.settings.sampleIntervalMs || atMs < this.lastProcessedMs;
  }

  get activeTracks(): number {
    return this.tracks.size;
  }

  /** Associates the faces of a processed frame with tracks; ends tracks unseen for too long. */
  observe(atMs: number, faces: readonly FaceObservation[]): Observed[] {
    this.lastProcessedMs = atMs;
    for (const [id, t] of this.tracks) {
      if (atMs - t.lastSeenMs > this.settings.trackTimeoutMs) {
        t.embedding.fill(0);
        this.tracks.delete(id);
      }
    }
    const free = new Set(this.tracks.values());
    const out: Observed[] = [];
    for (const face of faces) {
      const track = this.bestTrack(face, free);
      if (track) {
        free.delete(track);
        track.box = face.box;
        track.embedding.set(face.embedding);
        track.lastSeenMs = atMs;
        track.bestQuality = Math.max(track.bestQuality, face.quality);
        // Never identified (its identification failed: a dependency down), or better now.
        const due = track.identifiedQuality === null || face.quality >= track.identifiedQuality + this.settings.qualityGain;
        out.push({ track, face, identify: due && track.identifications < this.settings.maxIdentifications });
      } else {
        const created: Track = { id: this.newTrackId(), box: face.box, embedding: face.embedding.slice(), firstSeenMs: atMs, lastSeenMs: atMs, bestQuality: face.quality, identifiedQuality: null, identifications: 0, subjectId: null };
        this.tracks.set(created.id, created);
        out.push({ track: created, face, identify: true });
      }
    }
    return out;
  }

  /** Records what identifying a track's face found; returns the event to emit, if any (deduplicated by TTL). */
  identified(track: Track, quality: number, subjectId: string | null, atMs: number): TrackEvent | null {
    track.identifiedQuality = quality;
    track.identifications++;
    const before = track.subjectId;
    track.subjectId = subjectId;
    if (subjectId === null && before !== null) return null;
    const key = subjectId === null ? `t:${track.id}` : `s:${subjectId}`;
    const last = this.lastEvent.get(key);
    if (last !== undefined && atMs - last < this.settings.eventTtlMs) return null;
    this.lastEvent.set(key, atMs);
    return subjectId === null ? { kind: "UNKNOWN", trackId: track.id, atMs } : { kind: "IDENTIFIED", subjectId, trackId: track.id, atMs };
  }

  /** Wipes every track's embedding. */
  close(): void {
    for (const t of this.tracks.values()) t.embedding.fill(0);
    this.tracks.clear();
  }

  private bestTrack(face: FaceObservation, free: ReadonlySet<Track>): Track | undefined {
    let best: Track | undefined;
    let bestIou = this.settings.iouMatch;
    for (const t of free) {
      const o = iou(t.box, face.box);
      if (o >= bestIou && dot(t.embedding, face.embedding) >= this.settings.iouMinSimilarity) [best, bestIou] = [t, o];
    }
    if (best) return best;
    let bestSim = this.settings.embeddingMatch;
    for (const t of free) {
      const s = dot(t.embedding, face.embedding);
      if (s >= bestSim) [best, bestSim] = [t, s];
    }
    return best;
  }
}

export function iou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
