import { Field, Float, ID, Int, ObjectType } from "type-graphql";

@ObjectType("FaceBox", { description: "Face bounding box in image pixels (after EXIF rotation)." })
export class FaceBoxType {
  @Field(() => Int) x!: number;
  @Field(() => Int) y!: number;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
}

@ObjectType("DetectedFace")
export class DetectedFaceType {
  @Field(() => FaceBoxType) box!: FaceBoxType;
  @Field(() => Float, { description: "Detector confidence in [0, 1]." }) score!: number;
}

@ObjectType("Enrollment", { description: "The result of enrolling a face." })
export class EnrollmentType {
  @Field(() => ID) templateId!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) modelId!: string;
  @Field(() => DetectedFaceType) face!: DetectedFaceType;
  @Field(() => Int) imageWidth!: number;
  @Field(() => Int) imageHeight!: number;
}

@ObjectType("Verification", { description: "A 1:1 verification decision." })
export class VerificationType {
  @Field(() => ID, { description: "Id of the recorded decision (also in the audit trail)." }) decisionId!: string;
  @Field(() => Boolean) match!: boolean;
  @Field(() => Float, { description: "Best cosine similarity between the probe and the subject's templates." }) score!: number;
  @Field(() => Float, { description: "Score at or above which the probe matches." }) threshold!: number;
  @Field(() => String) modelId!: string;
  @Field(() => DetectedFaceType, { description: "The face used (the largest one in the image)." }) face!: DetectedFaceType;
  @Field(() => Int) comparedTemplates!: number;
}

@ObjectType("IdentificationCandidate")
export class IdentificationCandidateType {
  @Field(() => ID) subjectId!: string;
  @Field(() => Int, { description: "1 = best." }) rank!: number;
  @Field(() => Float, { description: "Cosine similarity of the subject's best template." }) score!: number;
  @Field(() => Boolean, { description: "Above the threshold but below the high-risk floor: have a person confirm before acting." })
  humanReviewRequired!: boolean;
}

@ObjectType("Identification")
export class IdentificationType {
  @Field(() => ID, { description: "Id of the recorded decision (also in the audit trail)." }) decisionId!: string;
  @Field(() => Boolean, { description: "False is an explicit no-match: nobody in the gallery scored at or above the threshold." }) match!: boolean;
  @Field(() => [IdentificationCandidateType], { description: "Subjects above the threshold, best first, among those whose consent covers the purpose." })
  candidates!: IdentificationCandidateType[];
  @Field(() => Float) threshold!: number;
  @Field(() => Float, { description: "Candidates below this score carry humanReviewRequired." }) reviewThreshold!: number;
  @Field(() => String) modelId!: string;
  @Field(() => DetectedFaceType, { description: "The face used (the largest one in the image)." }) face!: DetectedFaceType;
  @Field(() => Int, { description: "Templates in the gallery's index when searched." }) searchedTemplates!: number;
}

@ObjectType("GalleryIndex")
export class GalleryIndexType {
  @Field(() => String) purpose!: string;
  @Field(() => String, { description: "EXACT or HNSW." }) kind!: string;
  @Field(() => Int) templates!: number;
}
