/**
 * Where the attention face mesh's refined regions go in the 468-point mesh: MediaPipe's
 * landmarks-refinement configuration (face_landmarks_with_attention), as Human
 * (@vladmandic/human, src/face/constants.ts) lists it. Each output's k-th point replaces
 * mesh point `indices[k]`; the iris points extend the mesh to 478 points as MediaPipe's
 * refined mesh does (468 = iris centre of the image-left eye, 473 = of the image-right eye).
 * Which output is which eye was checked against the plain mesh (test/inference/iris.spec.ts).
 */

/** The attention mesh's eye contours, image-left eye first (lower lid 0–8, upper lid 9–15, then halos). */
const LEFT_EYE = [
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56,
  190, 226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121,
  128, 245, 156, 70, 63, 105, 66, 107, 55, 193,
];
const RIGHT_EYE = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257,
  258, 286, 414, 446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347,
  348, 349, 350, 357, 465, 383, 300, 293, 334, 296, 336, 285, 417,
];

/**
 * Output of the attention mesh → the mesh indices its points replace or add. The outputs
 * are 2-D: a replaced point keeps the plain mesh's z; an added (iris) point takes the mean
 * z of its `zFrom` points (its eye's 16 lid points).
 */
export const ATTENTION_REFINEMENTS: readonly { output: string; indices: readonly number[]; zFrom?: readonly number[] }[] = [
  {
    output: "output_lips",
    indices: [
      61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409, 78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308,
      191, 80, 81, 82, 13, 312, 311, 310, 415, 76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408, 62, 96,
      89, 179, 86, 15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407,
    ],
  },
  // In this export "left" is the image-left eye (measured: its points lie on the plain
  // mesh's 33…133 eye, "output_right_eye" on 263…362).
  { output: "output_left_eye", indices: LEFT_EYE },
  { output: "output_right_eye", indices: RIGHT_EYE },
  { output: "output_left_iris", indices: [468, 469, 470, 471, 472], zFrom: LEFT_EYE.slice(0, 16) },
  { output: "output_right_iris", indices: [473, 474, 475, 476, 477], zFrom: RIGHT_EYE.slice(0, 16) },
];

/** Mesh indices of the iris centres in a refined (478-point) mesh, image-left eye first. */
export const IRIS_CENTRES = [468, 473] as const;
