/** detectFaces and compareFaces (no enrolment, nothing stored) and identifyFaces (every face of a group photo). */
import { Arg, Ctx, Extensions, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { BatchItem, BatchProgress } from "../../domain/enrollment-batch.js";
import type { StreamEvent, StreamStats } from "../../services/stream.service.js";
import type { ImagePoint } from "../../domain/face-engine.port.js";
import type { Actor } from "../../domain/tenant.js";
import { TenantActor } from "../actor.decorator.js";
import type { GraphQLContext } from "../context.js";
import { readImageInput } from "../image-bytes.js";
import { runsInference } from "../limits.js";
import {
  BatchEnrollmentType,
  CompareFacesInput,
  DetectFacesInput,
  FaceComparisonType,
  FaceDetectionType,
  GroupIdentificationType,
  IdentifyFacesInput,
  OpenStreamInput,
  StartBatchEnrollmentInput,
  StreamEventType,
  StreamSessionType,
  type FaceLandmarksType,
} from "../types/face-api.type.js";

@Resolver()
export class FaceApiResolver {
  @Query(() => FaceDetectionType, {
    description: "Every face in the image with its box, detector score and five landmarks; on request the dense landmarks and the quality verdict with head pose. Permitted by the purpose's policy (detect); audited; nothing stored. Scope faces:analyze.",
  })
  @Extensions(runsInference(2))
  async detectFaces(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => DetectFacesInput) input: DetectFacesInput): Promise<FaceDetectionType> {
    const r = await ctx.services.analysis.detect(actor, { ...input, image: () => readImageInput(input.image, ctx.services.maxImageBytes) });
    return {
      ...r,
      faces: r.faces.map((f) => ({
        face: f.face,
        landmarks: landmarksOf(f.fivePoints),
        denseLandmarks: f.denseLandmarks?.map(([x, y, z]) => ({ x, y, z })) ?? null,
        quality: f.quality,
      })),
    };
  }

  @Query(() => FaceComparisonType, {
    description: "1:1 between the largest face of two images, without enrolment, at the calibrated threshold. Permitted by the purpose's policy (compare); audited (MATCH / NO_MATCH, never the score); nothing stored. Scope faces:verify.",
  })
  @Extensions(runsInference(2))
  async compareFaces(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => CompareFacesInput) input: CompareFacesInput): Promise<FaceComparisonType> {
    const read = (image: CompareFacesInput["source"]) => () => readImageInput(image, ctx.services.maxImageBytes);
    return ctx.services.analysis.compare(actor, { purpose: input.purpose, source: read(input.source), target: read(input.target) });
  }

  @Mutation(() => GroupIdentificationType, {
    description: "1:N for every face of a group photo (the largest maxFaces): each face searched on its own at the open-set threshold, its decision recorded and audited. Only where the policy allows identification for the purpose. Scope faces:identify.",
  })
  @Extensions(runsInference("input.maxFaces"))
  async identifyFaces(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => IdentifyFacesInput) input: IdentifyFacesInput): Promise<GroupIdentificationType> {
    return ctx.services.identification.identifyFaces(actor, { ...input, image: () => readImageInput(input.image, ctx.services.maxImageBytes) });
  }

  @Mutation(() => BatchEnrollmentType, {
    description: "Queues many photos of many subjects for enrollment; each is enrolled as enrollFace would (consent, quality gate, duplicate check, audit), by the job queue. Poll enrollmentBatch for progress and per-item results. Photos wait sealed under each subject's key and are dropped once enrolled. Scope faces:enroll.",
  })
  async startBatchEnrollment(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => StartBatchEnrollmentInput) input: StartBatchEnrollmentInput): Promise<BatchEnrollmentType> {
    const progress = await ctx.services.batches.submit(actor, {
      galleryId: input.galleryId,
      purpose: input.purpose,
      items: input.items.map((i) => ({ subjectId: i.subjectId, image: () => readImageInput(i.image, ctx.services.maxImageBytes) })),
    });
    return batchType(progress, []);
  }

  @Mutation(() => StreamSessionType, {
    description: "Opens a video or camera stream session identifying the faces of its frames in the gallery (the purpose must allow identification). Frames are never stored; each identification is recorded and audited. Scope faces:identify.",
  })
  async openStream(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("input", () => OpenStreamInput) input: OpenStreamInput): Promise<StreamSessionType> {
    return sessionType(await ctx.services.streams.open(actor, input));
  }

  @Mutation(() => StreamSessionType, { description: "Closes a stream session (its tracks are forgotten); returns its final counts. Audited." })
  async closeStream(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("streamId", () => ID) streamId: string): Promise<StreamSessionType> {
    return sessionType(await ctx.services.streams.close(actor, streamId));
  }

  @Query(() => StreamSessionType, { description: "A stream session's counts: frames received, processed, skipped, dropped, over budget; tracks, identifications, events." })
  async stream(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("streamId", () => ID) streamId: string): Promise<StreamSessionType> {
    return sessionType(ctx.services.streams.stats(actor, streamId));
  }

  @Query(() => [StreamEventType], { description: "A stream session's events after afterSeq (the last 1,000 are kept): polling instead of the server-sent events." })
  async streamEvents(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("streamId", () => ID) streamId: string, @Arg("afterSeq", () => Int, { defaultValue: 0 }) afterSeq: number): Promise<StreamEventType[]> {
    return ctx.services.streams.events(actor, streamId, afterSeq);
  }

  @Subscription(() => StreamEventType, {
    description:
      "A stream session's identification events as they happen (after replaying those after afterSeq), over GraphQL-over-SSE at /graphql/stream; completes when the session closes. Scope faces:identify.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { streamId: string; afterSeq: number }, GraphQLContext>) =>
      context.services.streams.iterate(await context.tenantActor(), args.streamId, args.afterSeq),
  })
  streamIdentifications(
    @Root() event: StreamEvent,
    @Arg("streamId", () => ID) _streamId: string,
    @Arg("afterSeq", () => Int, { defaultValue: 0 }) _afterSeq: number,
  ): StreamEventType {
    return event;
  }

  @Query(() => BatchEnrollmentType, { description: "A batch enrollment's progress and its items from fromSeq (at most first). Scope faces:enroll." })
  async enrollmentBatch(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Arg("batchId", () => ID) batchId: string,
    @Arg("fromSeq", () => Int, { defaultValue: 0 }) fromSeq: number,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
  ): Promise<BatchEnrollmentType> {
    const r = await ctx.services.batches.get(actor, batchId, fromSeq, first);
    return batchType(r, r.items);
  }
}

/** The session as GraphQL shows it, with the paths of its HTTP channel. */
function sessionType(stats: StreamStats): StreamSessionType {
  return { ...stats, framesPath: `/streams/${stats.id}/frames`, eventsPath: `/streams/${stats.id}/events` };
}

function batchType(p: BatchProgress, items: readonly BatchItem[]): BatchEnrollmentType {
  const { batch } = p;
  return {
    id: batch.id,
    galleryId: batch.galleryId,
    purpose: batch.purpose,
    status: batch.status,
    total: batch.total,
    pending: p.pending,
    enrolled: p.enrolled,
    failed: p.failed,
    createdAt: batch.createdAt,
    finishedAt: batch.finishedAt,
    items: items.map(({ seq, subjectId, status, templateId, errorReason, errorMessage, finishedAt }) => ({ seq, subjectId, status, templateId, errorReason, errorMessage, finishedAt })),
  };
}

function landmarksOf(points: readonly ImagePoint[]): FaceLandmarksType {
  const at = (i: number) => ({ x: points[i]![0], y: points[i]![1] });
  return { leftEye: at(0), rightEye: at(1), nose: at(2), mouthLeft: at(3), mouthRight: at(4) };
}
