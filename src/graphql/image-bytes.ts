/** Turns an ImageInput (base64 or multipart upload) into bytes, with a size cap. */
import { DomainError } from "../domain/errors.js";
import type { ImageInput } from "./types/image.input.js";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export async function readImageInput(input: ImageInput, maxBytes: number): Promise<Uint8Array> {
  const hasBase64 = typeof input.base64 === "string";
  const hasUpload = input.upload !== undefined && input.upload !== null;
  if (hasBase64 === hasUpload) throw new DomainError("INVALID_INPUT", "give the image as exactly one of base64 or upload");
  if (hasBase64) return decodeBase64Image(input.base64!, maxBytes);

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const file = await input.upload!;
    for await (const chunk of file.createReadStream()) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new DomainError("IMAGE_TOO_LARGE", `the image is over the ${maxBytes}-byte limit`, { maxBytes });
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw uploadError(e, maxBytes);
  }
  const bytes = Buffer.concat(chunks);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * graphql-upload rejects the file's promise or stream with an HttpError (a status and a
 * message) when the multipart body names a file it lacks, ends early, or passes the size
 * limit: the client's mistake, said as such.
 */
function uploadError(e: unknown, maxBytes: number): unknown {
  if (e instanceof DomainError) return e;
  const status = (e as { status?: unknown } | null)?.status;
  if (status === 413) return new DomainError("IMAGE_TOO_LARGE", `the image is over the ${maxBytes}-byte limit`, { maxBytes });
  if (typeof status === "number" && status >= 400 && status < 500) return new DomainError("INVALID_INPUT", "the uploaded file is missing from the multipart request or was cut short");
  return e;
}

export function decodeBase64Image(text: string, maxBytes: number): Uint8Array {
  const body = text.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (body.length === 0) throw new DomainError("INVALID_IMAGE", "the image is empty");
  // One scan of the text decides the alphabet (the regex is a noticeable cost on MB-sized images).
  const standard = BASE64.test(body);
  if (!standard && !BASE64URL.test(body)) throw new DomainError("INVALID_IMAGE", "the image is not valid base64");
  if (Math.floor((body.length * 3) / 4) > maxBytes + 2) {
    throw new DomainError("IMAGE_TOO_LARGE", `the image is over the ${maxBytes}-byte limit`, { maxBytes });
  }
  const bytes = Buffer.from(body, standard ? "base64" : "base64url");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
