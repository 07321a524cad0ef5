import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./page.type.js";
import { CONSENT_METHODS } from "../../domain/consent.js";

export enum ConsentMethodGql {
  CLICK = "CLICK",
  E_SIGNATURE = "E_SIGNATURE",
  WRITTEN = "WRITTEN",
}
registerEnumType(ConsentMethodGql, { name: "ConsentMethod", description: "How the subject gave consent." });
// Keep the GraphQL enum and the domain list in step.
if (Object.values(ConsentMethodGql).join() !== CONSENT_METHODS.join()) throw new Error("ConsentMethod enum out of step with the domain");

@ObjectType("Consent", { description: "A subject's consent to face processing for one purpose." })
export class ConsentType {
  @Field(() => ID) id!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String, { description: "Version of the notice text shown to the subject." }) noticeVersion!: string;
  @Field(() => String, { nullable: true, description: "SHA-256 (hex) of the notice text." }) noticeHash!: string | null;
  @Field(() => ConsentMethodGql) method!: ConsentMethodGql;
  @Field(() => String, { nullable: true, description: "Where the evidence is kept (form id, e-signature envelope id)." }) evidenceRef!: string | null;
  @Field(() => Boolean, { description: "Given on its own, not bundled with other terms." }) separate!: boolean;
  @Field(() => Boolean, { description: "Given by a parent or guardian." }) byGuardian!: boolean;
  @Field(() => Date) grantedAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) withdrawnAt!: Date | null;
  @Field(() => String, { description: "ACTIVE, WITHDRAWN, EXPIRED or PENDING." }) state!: string;
  @Field(() => Boolean, { description: "Granted, not withdrawn, not expired." }) active!: boolean;
}

@ObjectType("ConsentWithdrawal", { description: "A withdrawn consent and what was destroyed with it." })
export class ConsentWithdrawalType {
  @Field(() => ConsentType) consent!: ConsentType;
  @Field(() => Int, { description: "Templates destroyed at once (0 while the subject is under legal hold; they go when it is released)." })
  destroyedTemplates!: number;
}

@ObjectType("TemplateInfo", { description: "Metadata of a stored face template. The template itself is encrypted and never returned." })
export class TemplateInfoType {
  @Field(() => ID) id!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) modelId!: string;
  @Field(() => Float) detectionScore!: number;
  @Field(() => Int) faceWidth!: number;
  @Field(() => Int) faceHeight!: number;
  @Field(() => Float, { nullable: true, description: "Quality score in [0, 1] of the enrollment capture." }) qualityScore!: number | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: "Last successful match." }) lastUsedAt!: Date | null;
  @Field(() => Date, { description: "Destroyed by the retention sweep after this time." }) retainUntil!: Date;
}

@ObjectType("Subject", { description: "A person whose face a tenant may enroll and verify." })
export class SubjectType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "The partner app's own reference." }) externalRef!: string | null;
  @Field(() => String, { nullable: true, description: "Date of birth (YYYY-MM-DD), when recorded." }) dateOfBirth!: string | null;
  @Field(() => Date, { nullable: true, description: "Under legal hold since (no deletion, no matching)." }) legalHoldSince!: Date | null;
  @Field(() => String, { nullable: true }) legalHoldReason!: string | null;
  @Field(() => Date, { nullable: true, description: "Processing restricted since (GDPR Art. 18): stored only; no enrollment, matching, analysis or deletion by retention." })
  restrictedSince!: Date | null;
  @Field(() => String, { nullable: true }) restrictionReason!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [ConsentType]) consents!: ConsentType[];
  @Field(() => [TemplateInfoType]) templates!: TemplateInfoType[];
}

@ObjectType("Gallery")
export class GalleryType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "The embedding model every template in the gallery uses." }) modelId!: string;
  @Field(() => Float, { nullable: true, description: "Target false-match rate of 1:1 against this gallery (null: server default VERIFY_TARGET_FMR)." })
  targetFmr!: number | null;
  @Field(() => Float, { nullable: true, description: "Target false-positive identification rate of 1:N (null: server default IDENTIFY_TARGET_FPIR)." })
  targetFpir!: number | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => ID, { nullable: true, description: "The gallery this one replaces (migrateGallery moved it to this one's model)." })
  migratedFromId!: string | null;
}

@ObjectType("ReenrollmentPlan", { description: "What moving a gallery to the server's current embedding model takes." })
export class ReenrollmentPlanType {
  @Field(() => String) galleryModelId!: string;
  @Field(() => String) serverModelId!: string;
  @Field(() => Boolean, { description: "The gallery is pinned to another model than the server embeds with." }) modelChangeNeeded!: boolean;
  @Field(() => Boolean, { description: "Raw images are not kept, so templates cannot be re-embedded: subjects must re-enroll." }) rawImagesKept!: boolean;
  @Field(() => ID, { nullable: true, description: "When a move was started (migrateGallery): the gallery being moved." }) migratingFromGalleryId!: string | null;
  @Field(() => ID, { nullable: true, description: "When a move was started: the gallery replacing it, on the server's model." }) migratingToGalleryId!: string | null;
  @Field(() => [ID], { description: "Subjects with templates still on the old model (in the gallery being moved, or in this one when no move was started) who must enroll again, with consent." })
  subjectsToReenroll!: string[];
  @Field(() => [ID], { description: "Subjects already enrolled in the new gallery (their old templates for that purpose are destroyed)." })
  subjectsMoved!: string[];
}

@ObjectType("SubjectSummary", { description: "A subject in a list: no consents, templates or decisions (ask `subject(id)` for those)." })
export class SubjectSummaryType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) externalRef!: string | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD, when recorded." }) dateOfBirth!: string | null;
  @Field(() => Date, { nullable: true }) legalHoldSince!: Date | null;
  @Field(() => Date, { nullable: true }) restrictedSince!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

export const SubjectConnectionType = Connection(SubjectSummaryType, "Subject", "A page of subjects, oldest first; pages do not shift when subjects are added meanwhile.");

export const ConsentConnectionType = Connection(ConsentType, "Consent", "A page of the tenant's consents, oldest first.");

export const TemplateConnectionType = Connection(TemplateInfoType, "Template", "A page of the tenant's templates (metadata only), oldest first.");

@InputType("TemplateFilter", { description: "Every condition given must hold." })
export class TemplateFilterInput {
  @Field(() => ID, { nullable: true }) galleryId?: string | null;
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => String, { nullable: true }) modelId?: string | null;
}

@InputType("ConsentFilter", { description: "Every condition given must hold." })
export class ConsentFilterInput {
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => String, { nullable: true, description: "ACTIVE, WITHDRAWN, EXPIRED or PENDING, as of now." }) state?: string | null;
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => Date, { nullable: true, description: "Granted at or after." }) grantedFrom?: Date | null;
  @Field(() => Date, { nullable: true, description: "Granted before." }) grantedBefore?: Date | null;
}

@InputType("SubjectConsentFilter")
export class SubjectConsentFilterInput {
  @Field(() => String) purpose!: string;
  @Field(() => Boolean, { description: "true: with an active consent for the purpose; false: without one (never given, withdrawn or expired)." }) active!: boolean;
}

@InputType("SubjectFilter", { description: "Every condition given must hold." })
export class SubjectFilterInput {
  @Field(() => String, { nullable: true, description: "Exactly this external reference." }) externalRef?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Under legal hold (true) or not (false)." }) legalHold?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Processing restricted (true) or not (false)." }) restricted?: boolean | null;
  @Field(() => Date, { nullable: true, description: "Created at or after." }) createdFrom?: Date | null;
  @Field(() => Date, { nullable: true, description: "Created before." }) createdBefore?: Date | null;
  @Field(() => SubjectConsentFilterInput, { nullable: true }) consent?: SubjectConsentFilterInput | null;
}

@ObjectType("GalleryDeletion")
export class GalleryDeletionType {
  @Field(() => ID) galleryId!: string;
  @Field(() => Int, { description: "Templates destroyed with the gallery." }) destroyedTemplates!: number;
}

@ObjectType("TemplateDeletion")
export class TemplateDeletionType {
  @Field(() => ID) templateId!: string;
  @Field(() => ID) subjectId!: string;
}

export const GalleryConnectionType = Connection(GalleryType, "Gallery", "A page of the tenant's galleries, oldest first.");

@InputType("GalleryFilter", { description: "Every condition given must hold." })
export class GalleryFilterInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) modelId?: string | null;
}
