/**
 * Video files as the domain sees them: frames at a chosen rate, each with its time from the
 * start. Implemented with Debian's ffmpeg where it is installed
 * (src/adapters/video/ffmpeg.decoder.ts); nothing of the video is written anywhere.
 */
export interface VideoFrame {
  /** One frame, JPEG-encoded. */
  image: Uint8Array;
  /** Its time from the start of the video (ms). */
  atMs: number;
}

export interface VideoDecoder {
  /** Whether videos can be decoded here. */
  readonly available: boolean;
  /**
   * The frames of the video read from `source`, `fps` per second of video. Throws
   * DomainError INVALID_IMAGE for a file it cannot read (and VIDEO_UNSUPPORTED when not
   * available).
   */
  frames(source: AsyncIterable<Uint8Array>, fps: number): AsyncIterable<VideoFrame>;
}

export const noVideo: VideoDecoder = {
  available: false,
  // eslint-disable-next-line require-yield
  async *frames() {
    throw new Error("unreachable");
  },
};
