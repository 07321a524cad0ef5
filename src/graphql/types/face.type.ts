import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { ImageInput } from "./image.input.js";

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

@ObjectType("QualityReport", { description: "The capture-quality verdict (src/domain/quality.ts); limits come from the purpose's policy." })
export class QualityReportType {
  @Field(() => Float, { description: "Quality score in [0, 1]; 0 when any limit fails." }) score!: number;
  @Field(() => Boolean) passed!: boolean;
  @Field(() => [String], { description: "Failed limits: FACE_TOO_SMALL, BLURRY, OVEREXPOSED, UNDEREXPOSED, EXTREME_POSE, EYES_CLOSED, PARTIAL_FACE, LOW_DETECTION_SCORE." })
  reasons!: string[];
  @Field(() => Float, { description: "Distance between the eye centres, pixels." }) interEyeDistance!: number;
  @Field(() => Float, { description: "Focus measure (Laplacian variance over gray-level variance of the aligned crop)." }) sharpness!: number;
  @Field(() => Float, { description: "Mean gray level of the aligned face crop, 0-255." }) brightness!: number;
  @Field(() => Float, { description: "Degrees; positive = turned to the subject's left." }) yaw!: number;
  @Field(() => Float, { description: "Degrees; positive = chin up." }) pitch!: number;
  @Field(() => Float, { description: "Degrees; positive = the image-right eye lower." }) roll!: number;
}

@ObjectType("Enrollment", { description: "The result of enrolling a face." })
export class EnrollmentType {
  @Field(() => ID) templateId!: string;
  @Field(() => QualityReportType, { description: "The capture's quality (its score is stored with the template)." }) quality!: QualityReportType;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) modelId!: string;
  @Field(() => DetectedFaceType) face!: DetectedFaceType;
  @Field(() => Int) imageWidth!: number;
  @Field(() => Int) imageHeight!: number;
  @Field(() => Boolean, {
    description: "The face matched another subject already in the gallery and the purpose's policy (capture.duplicateCheck: review) flags such enrollments for a person's review (audit reason DUPLICATE_SUSPECTED). The other subject is never named.",
  })
  duplicateReview!: boolean;
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
  @Field(() => QualityReportType, { description: "The probe's quality; refused only where the policy gates probes." }) quality!: QualityReportType;
  @Field(() => Float, { nullable: true, description: "Passive live score, when the purpose's policy requires passive liveness." }) livenessScore!: number | null;
  @Field(() => ID, { nullable: true, description: "The active-liveness session this verification consumed." }) livenessSessionId!: string | null;
}

@ObjectType("LivenessSession", { description: "A single-use active-liveness session: perform the challenges in this order, then submit the frames." })
export class LivenessSessionType {
  @Field(() => ID) sessionId!: string;
  @Field(() => [String], { description: "BLINK, TURN_LEFT, TURN_RIGHT, OPEN_MOUTH, in the order to perform them (directions are the subject's own)." })
  challenges!: string[];
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType("LivenessVerdict")
export class LivenessVerdictType {
  @Field(() => ID) sessionId!: string;
  @Field(() => Boolean, { description: "True: verifyFace may consume the session once, before it expires." }) passed!: boolean;
  @Field(() => [String], {
    description: "Why it failed: SESSION_EXPIRED, SESSION_USED, NO_FACE_IN_FRAME, TOO_FEW_FRAMES, NOT_FRONTAL_AT_START, CHALLENGE_MISSING, CHALLENGE_ORDER, DIFFERENT_PERSON, SUBJECT_MISMATCH.",
  })
  reasons!: string[];
  @Field(() => [String]) challenges!: string[];
  @Field(() => Int) framesChecked!: number;
}

@ObjectType("ExpressionScore")
export class ExpressionScoreType {
  @Field(() => String) expression!: string;
  @Field(() => Float) score!: number;
}

@ObjectType("HeadPose", { description: "Degrees." })
export class HeadPoseType {
  @Field(() => Float) yaw!: number;
  @Field(() => Float) pitch!: number;
  @Field(() => Float) roll!: number;
}

/**
 * What the attribute models measured (models/README.md, `face-id eval attributes`); the
 * schema says it beside each field so that no client takes an estimate for more than it is.
 */
const ATTRIBUTE_ACCURACY = {
  age: "BELOW TARGET: on 1,500 UTKFace faces the mean absolute error is 7.9 years for adults (target ≤ 7; 20–39: 5.1, 40–59: 6.4, 60+: 14.3, older faces are underestimated) and 2.2 for children up to 12; always listed in belowTarget; indicative only.",
  gender: "On 1,500 UTKFace faces 92.3 % right for adults (target ≥ 90 %), 65.4 % for children up to 12 (below target: listed in belowTarget when the estimated age is under 18).",
  expression: "BELOW TARGET: 54.4 % right on FER2013 (target ≥ 60 %; human agreement about 65 %; fear 26 %, disgust 9 % recall); always listed in belowTarget; indicative only.",
};

@ObjectType("FaceAnalysis", { description: "Estimated attributes of the face. Returned, never stored. Each estimate comes with its confidence; belowTarget lists the attributes that are not reliable for this face." })
export class FaceAnalysisType {
  @Field(() => Float, { description: `Estimated age, years. ${ATTRIBUTE_ACCURACY.age}` }) age!: number;
  @Field(() => Float, { nullable: true, description: "Spread (standard deviation) of the model's age distribution, years; null for a model that gives a point estimate." })
  ageSd!: number | null;
  @Field(() => Float, { nullable: true, description: "Share of the model's age distribution within ±5 years of age, 0–1; null for a model that gives a point estimate." })
  ageConfidence!: number | null;
  @Field(() => String, { description: `female or male (estimated). ${ATTRIBUTE_ACCURACY.gender}` }) gender!: string;
  @Field(() => Float, { description: "Probability of the reported gender, 0.5–1." }) genderConfidence!: number;
  @Field(() => String, { description: `angry, disgust, fear, happy, sad, surprise or neutral. ${ATTRIBUTE_ACCURACY.expression}` }) expression!: string;
  @Field(() => Float, { description: "Probability of the reported expression." }) expressionConfidence!: number;
  @Field(() => [ExpressionScoreType]) expressionScores!: ExpressionScoreType[];
  @Field(() => HeadPoseType) pose!: HeadPoseType;
  @Field(() => [String], { description: "Attributes (age, gender, expression) whose model missed its accuracy target when measured, for this face: indicative only, do not base decisions on them." })
  belowTarget!: string[];
  @Field(() => QualityReportType) quality!: QualityReportType;
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
  @Field(() => Int, { description: "Templates of this gallery and purpose that failed authentication when decrypted (corrupted or tampered with): kept out of matching; the server log names them by id." })
  quarantined!: number;
}

@InputType("EnrollFaceInput")
export class EnrollFaceInput {
  @Field(() => ID) subjectId!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => ImageInput) image!: ImageInput;
}

@InputType("VerifyFaceInput")
export class VerifyFaceInput {
  @Field(() => ID) subjectId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => ImageInput) image!: ImageInput;
  @Field(() => ID, { nullable: true, description: "A passed active-liveness session of this subject and purpose; used up by this call." }) livenessSessionId?: string | null;
}

@InputType("IdentifyFaceInput")
export class IdentifyFaceInput {
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => ImageInput) image!: ImageInput;
  @Field(() => Int, { defaultValue: 5, description: "At most this many candidates (1 to 100)." }) topK!: number;
}
