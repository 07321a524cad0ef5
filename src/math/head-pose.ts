/**
 * Head pose (yaw, pitch, roll in degrees) from three 3-D face points: the two outer eye
 * corners and the chin, plus the forehead, as the face mesh gives them (x right, y down,
 * z away from the camera, all in the same pixel units). Pure geometry:
 *   - the eye axis e = right corner − left corner (image left to image right);
 *   - the face's vertical axis v = chin − forehead;
 *   - roll  = the in-plane angle of e (positive: the image-right eye is lower);
 *   - yaw   = the angle of e out of the image plane: atan2(e.z, |e.xy|); positive when the
 *             image-right eye is farther from the camera, i.e. the face turned towards
 *             image right, which is the subject's own left in an unmirrored camera image;
 *   - pitch = the angle of v out of the image plane: atan2(−v.z, |v.xy|); positive when the
 *             chin is nearer the camera than the forehead (head tilted up).
 * Rough (a few degrees) but monotonic, which is what pose limits and liveness challenges need.
 */
export type Point3 = readonly [number, number, number];

export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

const DEG = 180 / Math.PI;

export function headPose(leftEye: Point3, rightEye: Point3, forehead: Point3, chin: Point3): HeadPose {
  const ex = rightEye[0] - leftEye[0];
  const ey = rightEye[1] - leftEye[1];
  const ez = rightEye[2] - leftEye[2];
  const vx = chin[0] - forehead[0];
  const vy = chin[1] - forehead[1];
  const vz = chin[2] - forehead[2];
  return {
    yaw: Math.atan2(ez, Math.hypot(ex, ey)) * DEG,
    pitch: Math.atan2(-vz, Math.hypot(vx, vy)) * DEG,
    roll: Math.atan2(ey, ex) * DEG,
  };
}
