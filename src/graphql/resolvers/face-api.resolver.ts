/** detectFaces and compareFaces (no enrolment, nothing stored) and identifyFaces (every face of a group photo). */
import { Arg, Ctx, Extensions, Mutation, Query, Resolver } from "type-graphql";
import type { ImagePoint } from "../../domain/face-engine.port.js";
import type { Actor } from "../../domain/tenant.js";
import { TenantActor } from "../actor.decorator.js";
import type { GraphQLContext } from "../context.js";
import { readImageInput } from "../image-bytes.js";
import { runsInference } from "../limits.js";
import { CompareFacesInput, DetectFacesInput, FaceComparisonType, FaceDetectionType, GroupIdentificationType, IdentifyFacesInput, type FaceLandmarksType } from "../types/face-api.type.js";

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
}

function landmarksOf(points: readonly ImagePoint[]): FaceLandmarksType {
  const at = (i: number) => ({ x: points[i]![0], y: points[i]![1] });
  return { leftEye: at(0), rightEye: at(1), nose: at(2), mouthLeft: at(3), mouthRight: at(4) };
}
