/**
 * Video decoding with Debian's ffmpeg (`apt install ffmpeg`), when it is on the PATH: the
 * upload is piped into ffmpeg, which samples it at the asked rate and writes JPEG frames to
 * its output; nothing touches the disk. Formats must be readable from a pipe: Matroska,
 * WebM, AVI, MPEG-TS, MJPEG, or MP4 written for streaming (fragmented or "faststart").
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { DomainError, isDomainError } from "../../domain/errors.js";
import type { VideoDecoder, VideoFrame } from "../../domain/video-decoder.port.js";

const SOI = 0xd8;
const EOI = 0xd9;

export function ffmpegDecoder(binary = "ffmpeg"): VideoDecoder {
  // Looked up on the first video, not at every start.
  let found: boolean | undefined;
  const available = () => (found ??= spawnSync(binary, ["-version"], { stdio: "ignore" }).status === 0);
  return {
    get available() {
      return available();
    },
    async *frames(source: AsyncIterable<Uint8Array>, fps: number): AsyncIterable<VideoFrame> {
      if (!available()) throw new DomainError("VIDEO_UNSUPPORTED", "video files need ffmpeg, which this server does not have; post frames instead");
      const child = spawn(binary, ["-hide_banner", "-loglevel", "error", "-nostdin", "-i", "pipe:0", "-vf", `fps=${fps}`, "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"], {
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)));
      const exited = once(child, "close") as Promise<[number | null]>;
      // Feed the upload. A source that fails (too large, cut off) stops the decoder and its
      // error is the answer; ffmpeg closing its input early (a bad file) shows in its exit status.
      let feedError: unknown = null;
      const feeding = (async () => {
        try {
          for await (const chunk of source) if (!child.stdin.write(chunk)) await once(child.stdin, "drain");
        } catch (e) {
          if (isDomainError(e)) {
            feedError = e;
            child.kill("SIGKILL");
          }
        } finally {
          child.stdin.end();
        }
      })();
      child.stdin.on("error", () => undefined);
      let pending: Buffer = Buffer.alloc(0);
      /** How far `pending` was searched for the end of its image already. */
      let searched = 2;
      let n = 0;
      try {
        for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          for (let end = endOfJpeg(pending, searched); end > 0; end = endOfJpeg(pending, 2)) {
            const image = new Uint8Array(pending.subarray(0, end));
            pending = pending.subarray(end);
            searched = 2;
            yield { image, atMs: Math.round((n++ * 1000) / fps) };
          }
          searched = Math.max(2, pending.length - 1);
        }
        await feeding;
        if (feedError) throw feedError;
        const [code] = await exited;
        if (code !== 0) throw new DomainError("INVALID_IMAGE", `the video could not be decoded${n > 0 ? ` after ${n} frames` : ""}: ${stderr.trim().split("\n").pop() ?? "ffmpeg failed"}`);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}

/** The length of the first whole JPEG at the start of `b` (from SOI to EOI, searching from `from`), or 0 when it is not complete yet. */
function endOfJpeg(b: Buffer, from: number): number {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) return 0;
  // In entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so
  // 0xFF 0xD9 is the end of the image.
  for (let i = Math.max(2, from); i < b.length - 1; i++) if (b[i] === 0xff && b[i + 1] === EOI) return i + 2;
  return 0;
}
