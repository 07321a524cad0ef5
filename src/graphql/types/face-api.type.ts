/** Types of the face calls that need no enrolment (detectFaces, compareFaces) and of identifyFaces. */
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { DetectedFaceType, IdentificationCandidateType, QualityReportType } from "./face.type.js";
import { ImageInput } from "./image.input.js";

@ObjectType("ImagePoint", { description: "A point in image pixels (after EXIF rotation)." })
export class ImagePointType {
  @Field(() => Float) x!: number;
  @Field(() => Float) y!: number;
}

@ObjectType("MeshPoint", { description: "A dense-landmark point: x, y in image pixels, z in pixels growing away from the camera." })
export class MeshPointType {
  @Field(() => Float) x!: number;
  @Field(() => Float) y!: number;
  @Field(() => Float) z!: number;
}

@ObjectType("FaceLandmarks", { description: "The five alignment points: the image-left eye, the image-right eye, the nose tip, the mouth's image-left and image-right corners." })
export class FaceLandmarksType {
  @Field(() => ImagePointType) leftEye!: ImagePointType;
  @Field(() => ImagePointType) rightEye!: ImagePointType;
  @Field(() => ImagePointType) nose!: ImagePointType;
  @Field(() => ImagePointType) mouthLeft!: ImagePointType;
  @Field(() => ImagePointType) mouthRight!: ImagePointType;
}

@ObjectType("FaceDetail", { description: "One face found by detectFaces." })
export class FaceDetailType {
  @Field(() => DetectedFaceType) face!: DetectedFaceType;
  @Field(() => FaceLandmarksType) landmarks!: FaceLandmarksType;
  @Field(() => [MeshPointType], { nullable: true, description: "The 468-point face mesh (MediaPipe's topology), when asked for with denseLandmarks." })
  denseLandmarks!: MeshPointType[] | null;
  @Field(() => QualityReportType, { nullable: true, description: "Quality verdict under the purpose's limits, with head pose (yaw, pitch, roll), when asked for with quality." })
  quality!: QualityReportType | null;
}

@ObjectType("FaceDetection", { description: "Every face of an image (the largest maxFaces), largest first. Nothing is stored." })
export class FaceDetectionType {
  @Field(() => [FaceDetailType]) faces!: FaceDetailType[];
  @Field(() => Int, { description: "Every face the detector found (more than faces when maxFaces cut them)." }) faceCount!: number;
  @Field(() => Int) imageWidth!: number;
  @Field(() => Int) imageHeight!: number;
}

@InputType("DetectFacesInput")
export class DetectFacesInput {
  @Field(() => String, { description: "A purpose whose policy permits the detect operation." }) purpose!: string;
  @Field(() => ImageInput) image!: ImageInput;
  @Field(() => Int, { defaultValue: 16, description: "At most this many faces, the largest (1 to 100; 1 to 16 with quality or denseLandmarks, which cost an inference per face)." }) maxFaces!: number;
  @Field(() => Boolean, { defaultValue: false, description: "Also the 468-point mesh of each face." }) denseLandmarks!: boolean;
  @Field(() => Boolean, { defaultValue: false, description: "Also each face's quality verdict and head pose." }) quality!: boolean;
}

@ObjectType("FaceComparison", { description: "1:1 between the largest face of two images, at the calibrated threshold. Nothing is stored." })
export class FaceComparisonType {
  @Field(() => Boolean) match!: boolean;
  @Field(() => Float, { description: "Cosine similarity of the two faces' embeddings." }) similarity!: number;
  @Field(() => Float, { description: "The model's calibrated 1:1 threshold (server target false-match rate), raised to the purpose's minMatchThreshold." }) threshold!: number;
  @Field(() => String) modelId!: string;
  @Field(() => DetectedFaceType) sourceFace!: DetectedFaceType;
  @Field(() => DetectedFaceType) targetFace!: DetectedFaceType;
  @Field(() => Int) sourceFaceCount!: number;
  @Field(() => Int) targetFaceCount!: number;
}

@InputType("CompareFacesInput")
export class CompareFacesInput {
  @Field(() => String, { description: "A purpose whose policy permits the compare operation." }) purpose!: string;
  @Field(() => ImageInput) source!: ImageInput;
  @Field(() => ImageInput) target!: ImageInput;
}

@ObjectType("IdentifiedFace", { description: "One face of a group photo and its own identification decision." })
export class IdentifiedFaceType {
  @Field(() => ID, { nullable: true, description: "The recorded decision; null when the face was not searched (see refusal)." }) decisionId!: string | null;
  @Field(() => DetectedFaceType) face!: DetectedFaceType;
  @Field(() => Boolean) match!: boolean;
  @Field(() => [IdentificationCandidateType]) candidates!: IdentificationCandidateType[];
  @Field(() => String, { nullable: true, description: "Why the face was not searched: LOW_QUALITY (the purpose gates probes) or LIVENESS_FAILED." }) refusal!: string | null;
  @Field(() => Float, { nullable: true }) qualityScore!: number | null;
}

@ObjectType("GroupIdentification", { description: "identifyFaces: each face of the photo (the largest maxFaces) identified on its own." })
export class GroupIdentificationType {
  @Field(() => [IdentifiedFaceType], { description: "Largest face first." }) faces!: IdentifiedFaceType[];
  @Field(() => Int, { description: "Every face found (more than faces when maxFaces cut them)." }) faceCount!: number;
  @Field(() => Float, { description: "The open-set threshold each face was searched at." }) threshold!: number;
  @Field(() => Float) reviewThreshold!: number;
  @Field(() => String) modelId!: string;
  @Field(() => Int) searchedTemplates!: number;
}

@InputType("IdentifyFacesInput")
export class IdentifyFacesInput {
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => ImageInput) image!: ImageInput;
  @Field(() => Int, { defaultValue: 5, description: "At most this many candidates per face (1 to 100)." }) topK!: number;
  @Field(() => Int, { defaultValue: 8, description: "At most this many faces, the largest (1 to 16); each costs an inference." }) maxFaces!: number;
}

@InputType("BatchEnrollmentItemInput")
export class BatchEnrollmentItemInput {
  @Field(() => ID) subjectId!: string;
  @Field(() => ImageInput, { description: "base64 (multipart requests carry one file)." }) image!: ImageInput;
}

@InputType("StartBatchEnrollmentInput")
export class StartBatchEnrollmentInput {
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => [BatchEnrollmentItemInput], { description: "1 to 100 photos, each of its own subject (a subject may appear more than once); together within the request size limit." })
  items!: BatchEnrollmentItemInput[];
}

@ObjectType("BatchEnrollmentItem", { description: "One photo of a batch and what became of it." })
export class BatchEnrollmentItemType {
  @Field(() => Int, { description: "Position in the request, from 0." }) seq!: number;
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { description: "PENDING, ENROLLED or FAILED." }) status!: string;
  @Field(() => ID, { nullable: true }) templateId!: string | null;
  @Field(() => String, { nullable: true, description: "Why it failed: the reason enrollFace would have given (NO_FACE, LOW_QUALITY, CONSENT_REQUIRED, DUPLICATE_FACE, …)." }) errorReason!: string | null;
  @Field(() => String, { nullable: true }) errorMessage!: string | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType("BatchEnrollment", { description: "A batch enrollment: its items are enrolled one by one by the job queue, in the submitter's name; it resumes by itself after a crash." })
export class BatchEnrollmentType {
  @Field(() => ID) id!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String, { description: "RUNNING or COMPLETED." }) status!: string;
  @Field(() => Int) total!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Int) enrolled!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => [BatchEnrollmentItemType], { description: "The items asked for (enrollmentBatch's fromSeq and first); none in the answer to startBatchEnrollment." })
  items!: BatchEnrollmentItemType[];
}

@InputType("OpenStreamInput")
export class OpenStreamInput {
  @Field(() => ID) galleryId!: string;
  @Field(() => String, { description: "A purpose whose policy allows identification." }) purpose!: string;
  @Field(() => Float, { defaultValue: 5, description: "Frames processed per second of stream time (others are skipped); above 0, at most 60." }) sampleFps!: number;
  @Field(() => Int, { defaultValue: 60, description: "One event per person per this many seconds of stream time (1 to 86400)." }) eventTtlSeconds!: number;
  @Field(() => Int, { defaultValue: 8, description: "Faces per frame, the largest first (1 to 16)." }) maxFaces!: number;
}

@ObjectType("StreamSession", { description: "A video or camera stream session: post frames to framesPath, read events from eventsPath (server-sent events) or streamEvents." })
export class StreamSessionType {
  @Field(() => ID) id!: string;
  @Field(() => ID) galleryId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => Float) sampleFps!: number;
  @Field(() => Int) eventTtlSeconds!: number;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Boolean) open!: boolean;
  @Field(() => String, { description: "POST each frame's bytes here (header x-frame-timestamp: stream time in ms)." }) framesPath!: string;
  @Field(() => String, { description: "GET: the events as server-sent events." }) eventsPath!: string;
  @Field(() => Int) framesReceived!: number;
  @Field(() => Int) framesProcessed!: number;
  @Field(() => Int, { description: "Skipped by the sampling rate." }) framesSampledOut!: number;
  @Field(() => Int, { description: "Dropped: the previous frame was still being processed." }) framesDroppedBusy!: number;
  @Field(() => Int, { description: "Processed, but slower than frameBudgetMs." }) framesOverBudget!: number;
  @Field(() => Int) frameBudgetMs!: number;
  @Field(() => Float) meanFrameMs!: number;
  @Field(() => Float) maxFrameMs!: number;
  @Field(() => Int) activeTracks!: number;
  @Field(() => Int, { description: "Identification decisions made (each recorded and audited)." }) identifications!: number;
  @Field(() => Int) events!: number;
}

@ObjectType("StreamEvent", { description: "A person seen in a stream: IDENTIFIED (once per person per TTL) or UNKNOWN (once per track)." })
export class StreamEventType {
  @Field(() => Int) seq!: number;
  @Field(() => String, { description: "IDENTIFIED or UNKNOWN." }) kind!: string;
  @Field(() => ID, { nullable: true }) subjectId!: string | null;
  @Field(() => String) trackId!: string;
  @Field(() => ID, { description: "The identification decision behind the event." }) decisionId!: string;
  @Field(() => Float, { nullable: true }) score!: number | null;
  @Field(() => Float, { description: "Stream time of the frame (ms)." }) frameTimestampMs!: number;
  @Field(() => Float, { description: "From the frame's arrival to the event (ms)." }) latencyMs!: number;
}
