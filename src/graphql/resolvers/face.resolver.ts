import { Arg, Args, Ctx, Extensions, Float, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.js";
import { runsInference } from "../limits.js";
import { readImageInput } from "../image-bytes.js";
import { EnrollFaceInput, EnrollmentType, GalleryIndexType, IdentificationType, IdentifyFaceInput, VerificationType, VerifyFaceInput } from "../types/face.type.js";
import { ImageInput } from "../types/image.input.js";
import { GalleryConnectionType, GalleryDeletionType, GalleryFilterInput, GalleryType, ReenrollmentPlanType, TemplateDeletionType } from "../types/subject.type.js";
import { PageArgs, presentFields, toConnection, type ConnectionShape } from "../types/page.type.js";
import { encodeCursor, pageRequest } from "../../domain/pagination.js";
import { TenantActor } from "../actor.decorator.js";
import type { Actor } from "../../domain/tenant.js";

@Resolver()
export class FaceResolver {
  @Mutation(() => GalleryType, { description: "Creates a gallery pinned to the current embedding model, with the error rates its thresholds derive from." })
  async createGallery(
    @Ctx() ctx: GraphQLContext,
    @Arg("name", () => String) name: string,
    @Arg("targetFmr", () => Float, { nullable: true, description: "1:1 target false-match rate (1e-9 to 0.1)." }) targetFmr?: number | null,
    @Arg("targetFpir", () => Float, { nullable: true, description: "1:N target false-positive identification rate (1e-6 to 0.5)." }) targetFpir?: number | null,
  ): Promise<GalleryType> {
    return ctx.services.galleries.create(await ctx.tenantActor(), name, { targetFmr: targetFmr ?? null, targetFpir: targetFpir ?? null });
  }

  @Mutation(() => GalleryType, { description: "Sets a gallery's target error rates (null: the server defaults)." })
  async configureGallery(
    @Ctx() ctx: GraphQLContext,
    @Arg("galleryId", () => ID) galleryId: string,
    @Arg("targetFmr", () => Float, { nullable: true }) targetFmr?: number | null,
    @Arg("targetFpir", () => Float, { nullable: true }) targetFpir?: number | null,
  ): Promise<GalleryType> {
    return ctx.services.galleries.configure(await ctx.tenantActor(), galleryId, { targetFmr: targetFmr ?? null, targetFpir: targetFpir ?? null });
  }

  @Mutation(() => GalleryType, { description: "Renames a gallery (names are unique in the tenant). Scope galleries:write; audited." })
  async renameGallery(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("galleryId", () => ID) galleryId: string, @Arg("name", () => String) name: string): Promise<GalleryType> {
    return ctx.services.galleries.rename(actor, galleryId, name);
  }

  @Mutation(() => GalleryDeletionType, {
    description: "Deletes a gallery and destroys its templates (each audited). Refused (LEGAL_HOLD, PROCESSING_RESTRICTED) while a subject in it is held, and while the gallery is being moved to a new model. Scope galleries:write.",
  })
  async deleteGallery(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("galleryId", () => ID) galleryId: string): Promise<GalleryDeletionType> {
    return { galleryId, ...(await ctx.services.galleries.delete(actor, galleryId)) };
  }

  @Mutation(() => TemplateDeletionType, { description: "Destroys one template (audited DESTROY_TEMPLATE, reason DELETED). Refused while its subject is under legal hold or restriction. Scope subjects:write." })
  async deleteTemplate(@TenantActor() actor: Actor, @Ctx() ctx: GraphQLContext, @Arg("templateId", () => ID) templateId: string): Promise<TemplateDeletionType> {
    return ctx.services.galleries.deleteTemplate(actor, templateId);
  }

  @Mutation(() => GalleryType, {
    description:
      "Starts moving a gallery to the server's current embedding model: returns the new gallery that replaces it. Subjects move as they re-enroll (into either gallery); identification searches both until the old one is empty.",
  })
  async migrateGallery(
    @Ctx() ctx: GraphQLContext,
    @Arg("galleryId", () => ID) galleryId: string,
    @Arg("name", () => String, { nullable: true, description: "Name of the new gallery (default: the old name and the model id)." }) name?: string | null,
  ): Promise<GalleryType> {
    return ctx.services.galleries.migrate(await ctx.tenantActor(), galleryId, name);
  }

  @Query(() => ReenrollmentPlanType, { description: "Which subjects must re-enroll for the gallery to move to the server's current model, and how far a started move has got." })
  async reenrollmentPlan(@Ctx() ctx: GraphQLContext, @Arg("galleryId", () => ID) galleryId: string): Promise<ReenrollmentPlanType> {
    return ctx.services.galleries.reenrollmentPlan(await ctx.tenantActor(), galleryId);
  }

  @Query(() => GalleryConnectionType, { description: "The tenant's galleries, oldest first, a page at a time (Relay-style), by name or model. Scope subjects:read." })
  async galleries(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => GalleryFilterInput, { nullable: true }) filter?: GalleryFilterInput | null,
  ): Promise<ConnectionShape<GalleryType>> {
    const page = await ctx.services.galleries.list(actor, presentFields(filter), pageRequest(first, after));
    return toConnection(page, (g) => encodeCursor(g.createdAt, g.id), (g) => g);
  }

  @Mutation(() => EnrollmentType, { description: "Enrolls the one face in the photo as an encrypted template. Needs the subject's active consent for the purpose." })
  @Extensions(runsInference())
  async enrollFace(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Arg("input", () => EnrollFaceInput) { subjectId, galleryId, purpose, image }: EnrollFaceInput,
  ): Promise<EnrollmentType> {
    return ctx.services.enrollment.enroll(actor, { subjectId, galleryId, purpose, image: () => readImageInput(image, ctx.services.maxImageBytes) });
  }

  @Mutation(() => VerificationType, { description: "1:1: does the (largest) face in the photo belong to the subject? Needs active consent for the purpose." })
  @Extensions(runsInference())
  async verifyFace(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Arg("input", () => VerifyFaceInput) { subjectId, purpose, image, livenessSessionId }: VerifyFaceInput,
  ): Promise<VerificationType> {
    return ctx.services.verification.verify(actor, {
      subjectId,
      purpose,
      image: () => readImageInput(image, ctx.services.maxImageBytes),
      livenessSessionId: livenessSessionId ?? undefined,
    });
  }

  @Mutation(() => IdentificationType, {
    description: "1:N: who in the gallery is the (largest) face in the photo? Only where the policy allows identification for the purpose, and only among subjects whose consent covers it.",
  })
  @Extensions(runsInference())
  async identifyFace(
    @TenantActor() actor: Actor,
    @Ctx() ctx: GraphQLContext,
    @Arg("input", () => IdentifyFaceInput) { galleryId, purpose, image, topK }: IdentifyFaceInput,
  ): Promise<IdentificationType> {
    return ctx.services.identification.identify(actor, { galleryId, purpose, topK, image: () => readImageInput(image, ctx.services.maxImageBytes) });
  }

  @Query(() => [GalleryIndexType], { description: "How the gallery's templates are searched, per purpose: EXACT up to INDEX_EXACT_MAX templates, HNSW beyond." })
  async galleryIndex(@Ctx() ctx: GraphQLContext, @Arg("galleryId", () => ID) galleryId: string): Promise<GalleryIndexType[]> {
    const gallery = await ctx.services.galleries.get(await ctx.tenantActor(), galleryId);
    return ctx.services.index.info(gallery.id);
  }
}
