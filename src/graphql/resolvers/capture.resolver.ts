import { Arg, Ctx, Extensions, ID, Mutation, Query, Resolver } from "type-graphql";
import { EXPRESSIONS } from "../../domain/face-engine.port.js";
import type { GraphQLContext } from "../context.js";
import { runsInference } from "../limits.js";
import { readImageInput } from "../image-bytes.js";
import { FaceAnalysisType, LivenessSessionType, LivenessVerdictType } from "../types/face.type.js";
import { ImageInput } from "../types/image.input.js";

@Resolver()
export class CaptureResolver {
  @Mutation(() => LivenessSessionType, {
    description: "Starts a single-use active-liveness session (expires in 120 s) for a later verifyFace of the subject for the purpose. Needs the subject's consent for verification.",
  })
  async startLivenessSession(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String) purpose: string,
  ): Promise<LivenessSessionType> {
    return ctx.services.liveness.start(await ctx.tenantActor(), { subjectId, purpose });
  }

  @Mutation(() => LivenessVerdictType, {
    description: "Judges the session's frames (a neutral frontal frame first, then the challenges in order; at most 16). A session is judged once; frames are never stored.",
  })
  @Extensions(runsInference("frames"))
  async submitLivenessFrames(
    @Ctx() ctx: GraphQLContext,
    @Arg("sessionId", () => ID) sessionId: string,
    @Arg("frames", () => [ImageInput]) frames: ImageInput[],
  ): Promise<LivenessVerdictType> {
    const actor = await ctx.tenantActor();
    return ctx.services.liveness.submit(actor, { sessionId, frames: frames.map((f) => () => readImageInput(f, ctx.services.maxImageBytes)) });
  }

  @Query(() => FaceAnalysisType, {
    description: "Age, gender, expression and head pose of the (largest) face, where the policy permits attribute analysis for the purpose and the subject's consent covers it. Never stored.",
  })
  @Extensions(runsInference())
  async analyzeFace(
    @Ctx() ctx: GraphQLContext,
    @Arg("subjectId", () => ID) subjectId: string,
    @Arg("purpose", () => String) purpose: string,
    @Arg("image", () => ImageInput) image: ImageInput,
  ): Promise<FaceAnalysisType> {
    const actor = await ctx.tenantActor();
    const { attributes, quality } = await ctx.services.analysis.analyze(actor, { subjectId, purpose, image: () => readImageInput(image, ctx.services.maxImageBytes) });
    return { ...attributes, expressionScores: EXPRESSIONS.map((expression) => ({ expression, score: attributes.expressionScores[expression] })), quality };
  }
}
