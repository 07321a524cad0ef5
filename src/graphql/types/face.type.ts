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
