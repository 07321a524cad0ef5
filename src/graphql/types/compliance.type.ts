import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "./page.type.js";
import { REQUEST_KINDS } from "../../domain/data-subject-request.js";

export enum RequestKindGql {
  ACCESS = "ACCESS",
  EXPORT = "EXPORT",
  ERASURE = "ERASURE",
  RECTIFICATION = "RECTIFICATION",
}
registerEnumType(RequestKindGql, {
  name: "DataSubjectRequestKind",
  description: "ACCESS (Art. 15), EXPORT (Art. 20 portability), ERASURE (Art. 17) or RECTIFICATION (Art. 16: the subject's external reference or date of birth corrected by rectifySubject).",
});
if (Object.values(RequestKindGql).join() !== REQUEST_KINDS.join()) throw new Error("DataSubjectRequestKind enum out of step with the domain");

@ObjectType("DataSubjectRequest")
export class DataSubjectRequestType {
  @Field(() => ID) id!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => RequestKindGql) kind!: RequestKindGql;
  @Field(() => String, { description: "AWAITING_IDENTITY, IN_PROGRESS, COMPLETED, FAILED or REJECTED." }) status!: string;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date) dueAt!: Date;
  @Field(() => Int, { description: "Days until the due date (negative when overdue)." }) daysLeft!: number;
  @Field(() => Date, { nullable: true }) extendedAt!: Date | null;
  @Field(() => String, { nullable: true }) extensionReason!: string | null;
  @Field(() => Date, { nullable: true }) identityVerifiedAt!: Date | null;
  @Field(() => String, { nullable: true }) identityMethod!: string | null;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => String, { nullable: true, description: "Erasure: the per-store report (JSON); access/export: the sha256 of the document given out." })
  result!: string | null;
}

export const DataSubjectRequestConnectionType = Connection(DataSubjectRequestType, "DataSubjectRequest", "A page of the tenant's requests, soonest due first.");

@InputType("DataSubjectRequestFilter", { description: "Every condition given must hold." })
export class DataSubjectRequestFilterInput {
  @Field(() => [String], { nullable: true, description: "Any of these statuses (AWAITING_IDENTITY, IN_PROGRESS, COMPLETED, FAILED, REJECTED)." }) statuses?: string[] | null;
  @Field(() => RequestKindGql, { nullable: true }) kind?: RequestKindGql | null;
  @Field(() => Date, { nullable: true, description: "Due before this time." }) dueBefore?: Date | null;
  @Field(() => Boolean, { nullable: true, description: "Open (awaiting identity, in progress or failed) and past its due date (true), or not (false)." }) overdue?: boolean | null;
}

@ObjectType("ErasureStoreReport")
export class ErasureStoreReportType {
  @Field(() => String, { description: "keyVault, database, queue, cache or index." }) store!: string;
  @Field(() => String, { description: "DONE, NOT_PRESENT or FAILED." }) status!: string;
  @Field(() => Int) items!: number;
  @Field(() => String, { nullable: true }) detail!: string | null;
}

@ObjectType("ErasureReport")
export class ErasureReportType {
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { description: "COMPLETED only when every store is done; otherwise FAILED (fulfil again to retry)." }) status!: string;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Date) finishedAt!: Date;
  @Field(() => [ErasureStoreReportType]) stores!: ErasureStoreReportType[];
}

@ObjectType("DataSubjectRequestFulfilment")
export class FulfilmentType {
  @Field(() => DataSubjectRequestType) request!: DataSubjectRequestType;
  @Field(() => String, { nullable: true, description: "Access/export: the signed JSON document (check it with `face-id verify-export`)." })
  document!: string | null;
  @Field(() => ErasureReportType, { nullable: true }) erasure!: ErasureReportType | null;
}

@ObjectType("SigningKey", { description: "The public key that checks every document the platform signs (exports)." })
export class SigningKeyType {
  @Field(() => String) algorithm!: string;
  @Field(() => String, { description: "Raw Ed25519 public key, base64." }) publicKey!: string;
  @Field(() => String) keyId!: string;
}

@ObjectType("BiometricSubjectCount")
export class BiometricSubjectCountType {
  @Field(() => Int, { description: "Distinct subjects with at least one stored template." }) subjects!: number;
  @Field(() => Int) filingThreshold!: number;
  @Field(() => Boolean, { description: "At or over the threshold: China's 2025 measures require a filing with the authority." }) filingRequired!: boolean;
}

@ObjectType("KeyVersionCount")
export class KeyVersionCountType {
  @Field(() => Int) version!: number;
  @Field(() => Int) keys!: number;
}

@ObjectType("KeyRotationStatus")
export class KeyRotationStatusType {
  @Field(() => Int) currentVersion!: number;
  @Field(() => Int, { description: "Data keys still wrapped under an older version (the rotation job is working on them)." }) pending!: number;
  @Field(() => [KeyVersionCountType]) keysByVersion!: KeyVersionCountType[];
}

@InputType("RectificationInput", { description: "The corrected values; a field left out (null) stays as it is. At least one is needed." })
export class RectificationInput {
  @Field(() => String, { nullable: true, description: "The corrected external reference (unique in the tenant)." }) externalRef?: string | null;
  @Field(() => String, { nullable: true, description: "The corrected date of birth, YYYY-MM-DD." }) dateOfBirth?: string | null;
}

@ObjectType("RetentionForecast", { description: "Templates the retention sweep will delete as things stand (a use before then extends a template's retention; held subjects' are kept)." })
export class RetentionForecastType {
  @Field(() => Int) within7Days!: number;
  @Field(() => Int) within30Days!: number;
}
