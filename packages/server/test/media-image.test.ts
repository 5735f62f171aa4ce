/**
 * Uploaded images as they are stored: upright, stripped of every metadata,
 * within the side and byte limits, with a thumbnail; and images that must not
 * be decoded (too many pixels) or cannot be (damaged) refused with their code.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { DEFAULT_LIMITS } from "@parley/protocol";
import { processImage, type ImageType, type ProcessedImage } from "../src/media/image.js";
import {
  corruptJpeg,
  makeJpeg,
  makeNoisyJpeg,
  makeNoisyPng,
  makePng,
  pngClaimingPixels,
} from "../../../tests/support/media-files.js";

const limits = DEFAULT_LIMITS;
let dir: string;
let written = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "parley-media-image-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function process(bytes: Buffer | Promise<Buffer>, type: ImageType): Promise<ProcessedImage> {
  const path = join(dir, `${written++}.upload`);
  await writeFile(path, await bytes);
  return processImage(path, type, limits, 10_000);
}

/** The colour of one pixel, as [r, g, b]. */
async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(image).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, 3)];
}

const isRed = ([r = 0, , b = 0]: number[]) => r > 180 && b < 80;
const isBlue = ([r = 0, , b = 0]: number[]) => b > 180 && r < 80;

describe("metadata and orientation", () => {
  it("drops EXIF, GPS position and camera model, and turns the image upright", async () => {
    const upload = await makeJpeg({ width: 400, height: 200, orientation: 6, gps: true });
    const before = await sharp(upload).metadata();
    expect(before.exif).toBeDefined();
    expect(upload.includes("Fixture Camera 3000")).toBe(true);

    const { fullsize } = await process(upload, "JPEG");
    const after = await sharp(fullsize.data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(fullsize.data.includes("Fixture Camera 3000")).toBe(false);
    expect(fullsize.data.includes("GPS")).toBe(false);
    // Orientation 6 turns the stored image a quarter clockwise: its left (red) half ends up on top.
    expect([fullsize.width, fullsize.height]).toEqual([200, 400]);
    expect([after.width, after.height]).toEqual([200, 400]);
    expect(isRed(await pixelAt(fullsize.data, 100, 20))).toBe(true);
    expect(isBlue(await pixelAt(fullsize.data, 100, 380))).toBe(true);
  });

  it("counts turning upright as no resize", async () => {
    const { resized } = await process(makeJpeg({ width: 400, height: 200, orientation: 6 }), "JPEG");
    expect(resized).toBe(false);
  });

  it("drops the EXIF of a PNG too, and keeps it a PNG", async () => {
    const upload = await sharp(await makePng({ width: 64, height: 48 }))
      .withExif({ IFD0: { Model: "Fixture Camera 3000" } })
      .png()
      .toBuffer();
    expect((await sharp(upload).metadata()).exif).toBeDefined();
    const { fullsize, resized } = await process(upload, "PNG");
    const after = await sharp(fullsize.data).metadata();
    expect(after.format).toBe("png");
    expect(after.exif).toBeUndefined();
    expect(fullsize).toMatchObject({ mimeType: "image/png", width: 64, height: 48, size: fullsize.data.length });
    expect(resized).toBe(false);
  });
});

describe("size limits", () => {
  it("re-encodes a small image without resizing it", async () => {
    const upload = await makeJpeg({ width: 80, height: 60 });
    const { fullsize, resized } = await process(upload, "JPEG");
    expect(fullsize).toMatchObject({ mimeType: "image/jpeg", width: 80, height: 60 });
    expect(fullsize.data.equals(upload)).toBe(false);
    expect(resized).toBe(false);
  });

  it("fits an image wider than 2048 px inside 2048 px, keeping its proportions", async () => {
    const { fullsize, resized } = await process(makePng({ width: 3000, height: 1500 }), "PNG");
    expect([fullsize.width, fullsize.height]).toEqual([2048, 1024]);
    expect(resized).toBe(true);
  });

  it("shrinks a noisy JPEG over 1 MiB until it fits 1 MiB", async () => {
    const upload = await makeNoisyJpeg(2600, 1800);
    expect(upload.length).toBeGreaterThan(limits.imageMaxBytes);
    const { fullsize, resized } = await process(upload, "JPEG");
    expect(fullsize.size).toBeLessThanOrEqual(limits.imageMaxBytes);
    expect(fullsize.size).toBe(fullsize.data.length);
    expect(Math.max(fullsize.width, fullsize.height)).toBeLessThanOrEqual(limits.imageMaxSide);
    // The proportions survive the shrinking (within a pixel of rounding).
    expect(Math.abs(fullsize.width / fullsize.height - 2600 / 1800)).toBeLessThan(0.01);
    expect(resized).toBe(true);
    expect((await sharp(fullsize.data).metadata()).format).toBe("jpeg");
  });

  it("shrinks a noisy PNG under 2048 px but over 1 MiB, and keeps it a PNG", async () => {
    const upload = await makeNoisyPng(1200, 900);
    expect(upload.length).toBeGreaterThan(limits.imageMaxBytes);
    const { fullsize, resized } = await process(upload, "PNG");
    expect(fullsize.size).toBeLessThanOrEqual(limits.imageMaxBytes);
    expect(fullsize.width).toBeLessThan(1200);
    expect(fullsize.mimeType).toBe("image/png");
    expect(resized).toBe(true);
  });
});

describe("thumbnails", () => {
  it("makes a thumbnail whose longest side is 320 px", async () => {
    const { thumbnail } = await process(makeJpeg({ width: 1000, height: 500, orientation: 6 }), "JPEG");
    expect([thumbnail.width, thumbnail.height]).toEqual([160, 320]);
    expect(thumbnail).toMatchObject({ mimeType: "image/jpeg", size: thumbnail.data.length });
    expect((await sharp(thumbnail.data).metadata()).exif).toBeUndefined();
  });

  it("never enlarges a small image for its thumbnail", async () => {
    const { thumbnail } = await process(makePng({ width: 100, height: 50 }), "PNG");
    expect([thumbnail.width, thumbnail.height]).toEqual([100, 50]);
    expect(thumbnail.mimeType).toBe("image/png");
  });
});

describe("refused images", () => {
  it("refuses a header claiming 100,000 × 100,000 pixels without decoding it", async () => {
    await expect(process(pngClaimingPixels(100_000, 100_000), "PNG")).rejects.toMatchObject({
      code: "IMAGE_TOO_MANY_PIXELS",
      details: { limit: limits.maxImagePixels, width: 100_000, height: 100_000 },
    });
  });

  // Only the header of each is read: pngClaimingPixels holds a single row, so none of them could be decoded.
  it.each([
    ["wider than 16,384 px", 16_385, 400],
    ["taller than 16,384 px", 400, 16_385],
    ["a strip of 1 × 39,000,000 (under the pixel cap)", 1, 39_000_000],
    ["more elongated than 50 : 1", 5_100, 100],
  ])("refuses an image %s from its header, as IMAGE_DIMENSIONS_NOT_ALLOWED", async (_name, width, height) => {
    await expect(process(pngClaimingPixels(width, height), "PNG")).rejects.toMatchObject({
      code: "IMAGE_DIMENSIONS_NOT_ALLOWED",
      details: { width, height, maxDimension: 16_384, maxAspectRatio: 50 },
    });
  });

  it("accepts a long screenshot of 16,384 × 328 px (exactly 50 : 1) and shrinks it", async () => {
    const { fullsize } = await process(makePng({ width: 16_384, height: 328 }), "PNG");
    expect([fullsize.width, fullsize.height]).toEqual([2048, 41]);
  });

  it("refuses a JPEG cut off in its scan data", async () => {
    await expect(process(corruptJpeg(), "JPEG")).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a JPEG with damaged scan data", async () => {
    const jpeg = await makeNoisyJpeg(256, 256);
    const scan = jpeg.indexOf(Buffer.from([0xff, 0xda])) + 200;
    // A stray marker in the middle of the entropy-coded data, as a flipped bit leaves it.
    jpeg.set([0xff, 0xd9], scan + 100);
    await expect(process(jpeg, "JPEG")).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses an image whose bytes are not the detected type", async () => {
    await expect(process(makePng({ width: 10, height: 10 }), "JPEG")).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a PNG signature followed by anything but a PNG", async () => {
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("<html>hi</html>")]);
    await expect(process(fake, "PNG")).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });
});
