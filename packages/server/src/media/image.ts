/**
 * Images are never stored as uploaded. Each one is decoded and re-encoded:
 * decoding proves the pixels are sound, re-encoding drops everything else the
 * file carried (EXIF with its GPS position and camera serials, XMP, IPTC,
 * comments, trailing bytes). The stored image is turned upright, fits the
 * configured side and byte limits, and comes with a thumbnail.
 *
 * All work runs on libvips threads through sharp's asynchronous API, so a
 * large image never blocks the event loop. What an image may cost is bounded
 * before it is decoded (pixels, longest side, elongation, all read from the
 * header) and while it is (a deadline per job); how many run at once is the
 * business of `image-jobs.ts`.
 * @module
 */
import { performance } from "node:perf_hooks";
import { MEDIA_TYPES, type Limits } from "@parley/protocol";
import sharp from "sharp";
import { ParleyError } from "../errors.js";

// Every upload is read once from its own temporary file: caching decoded
// images or open files would only hold memory and keep deleted files open.
sharp.cache(false);
// One libvips thread per image: an image job then takes one core at most, so the
// number of jobs allowed at once (image-jobs.ts) is also the number of cores images can take.
sharp.concurrency(1);

/** One stored version of an image. */
export interface Rendition {
  data: Buffer;
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Pixels. */
  width: number;
  height: number;
}

/** What is stored for an uploaded image. */
export interface ProcessedImage {
  /** The image as served: upright, without metadata, within the side and byte limits. */
  fullsize: Rendition;
  /** A preview whose longest side is at most `thumbnailSide`. */
  thumbnail: Rendition;
  /** Whether `fullsize` has other dimensions than the (upright) upload. */
  resized: boolean;
}

/** The limits that shape stored images. */
export type ImageLimits = Pick<
  Limits,
  "maxImagePixels" | "maxImageDimension" | "maxImageAspectRatio" | "imageMaxSide" | "imageMaxBytes" | "thumbnailSide"
>;


/** The accepted image types. */
export type ImageType = "PNG" | "JPEG";

/** The name sharp gives each accepted type's decoder. */
const SHARP_FORMAT: Readonly<Record<ImageType, string>> = { PNG: "png", JPEG: "jpeg" };
/** Quality where mozjpeg's output is hard to tell from the original at a fraction of its size. */
const JPEG_QUALITY = 82;
/**
 * Each retry shrinks the sides by at least this factor. Bytes follow the
 * pixel count, so the next size is estimated from how far over the budget
 * the last try was; the factor guarantees progress when the estimate is off.
 */
const SHRINK_FACTOR = 0.75;
/** Aim a little under the budget so the estimate usually lands in one retry. */
const SHRINK_MARGIN = 0.95;
/** 0.75^10 leaves under 6 % of each side: no image of sane limits is still too large by then. */
const MAX_SHRINK_TRIES = 10;

/** EXIF orientations 5–8 turn the image a quarter: its stored width is its upright height. */
const QUARTER_TURNS = new Set([5, 6, 7, 8]);

export interface Size {
  width: number;
  height: number;
}

/**
 * Reads the header and refuses what must not be decoded: an image of more
 * pixels than allowed, wider or taller than allowed or too elongated (work
 * grows with the longest side too: a one-pixel strip under the pixel cap took
 * libvips many seconds), or one whose bytes are not the detected type.
 * @returns the upright size of the image
 */
export async function readImageHeader(input: string | Buffer, type: ImageType, limits: ImageLimits): Promise<Size> {
  let metadata: sharp.Metadata;
  try {
    // No pixel limit here: the header is read only to report the size, and the limit is applied below with the real numbers.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ParleyError("MEDIA_CORRUPT", "The image header cannot be read.");
  }
  if (metadata.format !== SHARP_FORMAT[type]) {
    throw new ParleyError("MEDIA_CORRUPT", `The file starts like a ${type} image but is not one.`);
  }
  const { width, height } = metadata;
  if (width * height > limits.maxImagePixels) {
    throw new ParleyError("IMAGE_TOO_MANY_PIXELS", undefined, { limit: limits.maxImagePixels, width, height });
  }
  const longer = Math.max(width, height);
  const shorter = Math.max(1, Math.min(width, height));
  if (longer > limits.maxImageDimension || longer / shorter > limits.maxImageAspectRatio) {
    throw new ParleyError("IMAGE_DIMENSIONS_NOT_ALLOWED", undefined, {
      width,
      height,
      maxDimension: limits.maxImageDimension,
      maxAspectRatio: limits.maxImageAspectRatio,
    });
  }
  return QUARTER_TURNS.has(metadata.orientation ?? 1) ? { width: height, height: width } : { width, height };
}

/**
 * How an image is encoded: `final` is what is stored; `draft` is a fast JPEG
 * encoding used only to find the size that fits the byte limit, because
 * mozjpeg's trellis quantisation takes several times longer. At the same
 * quality mozjpeg's file is almost always the smaller; when it is not, the
 * search simply goes on.
 */
type Stage = "draft" | "final";

function encode(image: sharp.Sharp, type: ImageType, stage: Stage): sharp.Sharp {
  // Neither encoder is given withMetadata/keepExif, so nothing of the upload's metadata is written.
  if (type === "PNG") return image.png({ compressionLevel: 9, adaptiveFiltering: true });
  // mozjpeg's search for the best progressive scans costs a quarter of its time for under 1 % of the bytes.
  if (stage === "final") return image.jpeg({ quality: JPEG_QUALITY, mozjpeg: true, optimiseScans: false });
  return image.jpeg({ quality: JPEG_QUALITY });
}

/** When a job must be done by, in `performance.now()` milliseconds. */
type Deadline = number;

function timedOut(): ParleyError {
  return new ParleyError("MEDIA_PROCESSING_TIMEOUT", "The image took longer to process than allowed.");
}

/** Decodes the upload, turns it upright, and re-encodes it in its own format; `fit` bounds its sides. */
async function render(
  input: string | Buffer,
  type: ImageType,
  limits: ImageLimits,
  fit: Size,
  stage: Stage,
  deadline: Deadline,
): Promise<Rendition> {
  const remainingMs = deadline - performance.now();
  if (remainingMs <= 0) throw timedOut();
  // failOn "warning": a truncated or damaged JPEG only warns in libjpeg, and must be refused, not half-stored.
  const decoded = sharp(input, { limitInputPixels: limits.maxImagePixels, failOn: "warning" })
    .autoOrient()
    .resize({ width: fit.width, height: fit.height, fit: "inside", withoutEnlargement: true });
  try {
    // libvips kills a pipeline past its timeout (whole seconds), freeing its thread. It checks as the
    // image progresses, so a job may overrun: the bounds read from the header are what keep jobs short.
    const pipeline = encode(decoded, type, stage).timeout({ seconds: Math.max(1, Math.ceil(remainingMs / 1000)) });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { data, mimeType: MEDIA_TYPES[type].mimeType, size: data.length, width: info.width, height: info.height };
  } catch {
    // A killed pipeline fails with "timeout" or, as the kill interrupts a decoder, with a decoding warning.
    if (performance.now() >= deadline) throw timedOut();
    throw new ParleyError("MEDIA_CORRUPT", "The image cannot be decoded: it is damaged or incomplete.");
  }
}

/** A size `factor` times smaller per side, keeping at least one pixel per side. */
function scaled({ width, height }: Size, factor: number): Size {
  return { width: Math.max(1, Math.floor(width * factor)), height: Math.max(1, Math.floor(height * factor)) };
}

/** How much to shrink the sides of an encoding of `bytes` to fit `budget`. */
function shrinkFactor(bytes: number, budget: number): number {
  return Math.min(SHRINK_FACTOR, SHRINK_MARGIN * Math.sqrt(budget / bytes));
}

/**
 * The stored image: within `imageMaxSide` (never enlarged), then shrunk step
 * by step until its bytes fit `imageMaxBytes`.
 */
async function renderFullsize(path: string | Buffer, type: ImageType, limits: ImageLimits, deadline: Deadline): Promise<Rendition> {
  let fit: Size = { width: limits.imageMaxSide, height: limits.imageMaxSide };
  for (let tries = 0; tries <= MAX_SHRINK_TRIES; tries++) {
    // PNG is lossless and has no faster encoding worth a draft.
    let rendition = await render(path, type, limits, fit, type === "JPEG" ? "draft" : "final", deadline);
    if (type === "JPEG" && rendition.size <= limits.imageMaxBytes) rendition = await render(path, type, limits, fit, "final", deadline);
    if (rendition.size <= limits.imageMaxBytes) return rendition;
    fit = scaled(rendition, shrinkFactor(rendition.size, limits.imageMaxBytes));
  }
  throw new ParleyError("MEDIA_TOO_LARGE", "The image cannot be made small enough.", { limit: limits.imageMaxBytes });
}

/**
 * Checks, cleans and resizes an uploaded PNG or JPEG and makes its thumbnail.
 *
 * The header is read first, so an image of too many pixels is refused without
 * being decoded. The image is then decoded strictly, turned upright by its
 * EXIF orientation, stripped of all metadata and re-encoded in its own format
 * (JPEG with mozjpeg, PNG losslessly), resized to fit `imageMaxSide` and
 * shrunk further until it fits `imageMaxBytes`. The thumbnail is made from the
 * cleaned image, its longest side at most `thumbnailSide`, never enlarged.
 *
 * @param path - the stored upload, or its bytes
 * @param type - the type `detectDocumentType` found in its bytes
 * @param timeoutMs - the most the whole job may take (header, renditions, thumbnail)
 * @throws ParleyError `IMAGE_TOO_MANY_PIXELS` (details `{ limit, width, height }`) for an image over
 *   `maxImagePixels`; `IMAGE_DIMENSIONS_NOT_ALLOWED` (details `{ width, height, maxDimension,
 *   maxAspectRatio }`) for one wider, taller or more elongated than allowed; `MEDIA_CORRUPT` when it
 *   is not a decodable image of that type; `MEDIA_PROCESSING_TIMEOUT` when it takes longer than
 *   `timeoutMs`; `MEDIA_TOO_LARGE` in the unlikely case no smaller size fits `imageMaxBytes`
 */
export async function processImage(
  path: string | Buffer,
  type: ImageType,
  limits: ImageLimits,
  timeoutMs: number,
): Promise<ProcessedImage> {
  const deadline = performance.now() + timeoutMs;
  const upright = await readImageHeader(path, type, limits);
  const fullsize = await renderFullsize(path, type, limits, deadline);
  const thumbnailFit = { width: limits.thumbnailSide, height: limits.thumbnailSide };
  const thumbnail = await render(fullsize.data, type, limits, thumbnailFit, "final", deadline);
  const resized = fullsize.width !== upright.width || fullsize.height !== upright.height;
  return { fullsize, thumbnail, resized };
}
