/**
 * Stage 1: image bytes → RGB pixels. JPEG, PNG and WebP only; EXIF orientation applied;
 * transparency flattened onto white; images over the pixel limit are refused from their
 * header, before any pixel is decoded.
 */
import sharp, { type Metadata } from "sharp";
import { DomainError } from "../domain/errors.js";
import type { RawImage } from "../math/warp-affine.js";

export interface RgbImage extends RawImage {
  channels: 3;
}

export interface DecodeLimits {
  /** Largest accepted width × height. */
  maxPixels: number;
  /** Largest accepted encoded size. */
  maxBytes: number;
  /** Smallest accepted width or height. */
  minSide: number;
}

const SUPPORTED = new Set(["jpeg", "png", "webp"]);

export class ImageDecodeStage {
  constructor(private readonly limits: DecodeLimits) {}

  async load(): Promise<void> {
    // Nothing to load: sharp (libvips) is ready once imported.
  }

  async run(bytes: Uint8Array): Promise<RgbImage> {
    if (bytes.byteLength === 0) throw new DomainError("INVALID_IMAGE", "the image is empty");
    if (bytes.byteLength > this.limits.maxBytes) {
      throw new DomainError("IMAGE_TOO_LARGE", `the image is ${bytes.byteLength} bytes; the limit is ${this.limits.maxBytes}`, {
        maxBytes: this.limits.maxBytes,
      });
    }
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch {
      throw new DomainError("INVALID_IMAGE", "the image could not be read (corrupt or not an image)");
    }
    if (!meta.format || !SUPPORTED.has(meta.format)) {
      throw new DomainError("INVALID_IMAGE", `unsupported image format ${meta.format ?? "unknown"}; use JPEG, PNG or WebP`);
    }
    const { width = 0, height = 0 } = meta;
    if (width * height > this.limits.maxPixels) {
      throw new DomainError("IMAGE_TOO_LARGE", `the image is ${width}x${height}; the limit is ${this.limits.maxPixels} pixels`, {
        maxPixels: this.limits.maxPixels,
      });
    }
    if (Math.min(width, height) < this.limits.minSide) {
      throw new DomainError("IMAGE_TOO_SMALL", `the image is ${width}x${height}; each side must be at least ${this.limits.minSide} pixels`, {
        minSide: this.limits.minSide,
      });
    }
    try {
      const { data, info } = await sharp(bytes, { limitInputPixels: this.limits.maxPixels, failOn: "warning" })
        .rotate()
        .flatten({ background: { r: 255, g: 255, b: 255 } })
        .toColourspace("srgb")
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
      return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    } catch {
      throw new DomainError("INVALID_IMAGE", "the image could not be decoded (corrupt or truncated)");
    }
  }
}

/** Resizes (stretching) RGB pixels with libvips; used for detector inputs. */
export async function resizeRgb(img: RgbImage, width: number, height: number, kernel?: "cubic" | "lanczos3"): Promise<Uint8Array> {
  const out = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: "fill", ...(kernel ? { kernel } : {}) })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
