/**
 * Base64 for files of tens of MiB, in browsers and in Node.js. Node's `Buffer`
 * is used when present. Browsers go through `btoa`/`atob` one chunk at a time:
 * spreading a whole file into `String.fromCharCode(...)` overflows the call
 * stack past a few hundred KiB, and one binary string of the whole file would
 * double the peak memory.
 * @module
 */

// A multiple of 3 bytes: the Base64 of consecutive chunks concatenates with no padding inside.
const ENCODE_CHUNK = 3 * 8192;
// A multiple of 4 characters: every chunk but the last decodes on its own to whole bytes.
const DECODE_CHUNK = 4 * 8192;

interface NodeBuffer {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: "base64"): string };
  from(data: string, encoding: "base64"): Uint8Array;
}

function nodeBuffer(): NodeBuffer | undefined {
  return (globalThis as { Buffer?: NodeBuffer }).Buffer;
}

/** Encodes bytes with `btoa`, chunk by chunk (the browser path; exported for tests). */
export function encodeChunked(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += ENCODE_CHUNK) {
    // `apply` with a bounded chunk: at most ENCODE_CHUNK arguments, well under engines' limits.
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + ENCODE_CHUNK) as unknown as number[])));
  }
  return parts.join("");
}

/** Decodes canonical Base64 (no whitespace, padding optional) with `atob`, chunk by chunk. */
export function decodeChunked(base64: string): Uint8Array {
  const out = new Uint8Array(Math.floor((base64.length * 3) / 4));
  let length = 0;
  for (let i = 0; i < base64.length; i += DECODE_CHUNK) {
    const binary = atob(base64.slice(i, i + DECODE_CHUNK));
    for (let j = 0; j < binary.length; j++) out[length++] = binary.charCodeAt(j);
  }
  return out.subarray(0, length);
}

/** The Base64 text of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  return buffer ? buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") : encodeChunked(bytes);
}

/** The bytes of canonical Base64 text (as `parseBase64` returns it). */
export function base64ToBytes(base64: string): Uint8Array {
  const buffer = nodeBuffer();
  return buffer ? buffer.from(base64, "base64") : decodeChunked(base64);
}
