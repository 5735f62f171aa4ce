/**
 * The `Content-Disposition` of downloads, per RFC 6266 with the RFC 5987
 * encoding of non-ASCII names. The file name comes from a user, so the header
 * is built to be safe whatever it holds: nothing in it can end the header,
 * break out of the quoted string or name a path.
 * @module
 */

/** Used when a name has nothing left to show. */
const DEFAULT_NAME = "download";
/** Longest ASCII fallback, in characters; old clients show it and some choke on long ones. */
const MAX_FALLBACK_LENGTH = 100;
/** Longest extension kept when the fallback is shortened, dot included. */
const MAX_KEPT_EXTENSION = 10;
/** Printable ASCII that still needs replacing: quoted-string syntax, path and parameter separators, and `%`, which some clients decode. */
const UNSAFE_IN_FALLBACK = new Set(['"', "\\", "/", ";", "%"]);
/** RFC 5987 attr-char besides letters and digits; every other byte is percent-encoded. */
const ATTR_CHAR_PUNCTUATION = new Set("!#$&+-.^_`|~");

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`.
 * Clients that know RFC 5987 use the exact name from `filename*`; the others
 * get an ASCII look-alike with anything risky replaced by `_`.
 */
export function attachmentDisposition(fileName: string): string {
  const name = fileName.trim() === "" ? DEFAULT_NAME : fileName;
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

/** Each character outside printable ASCII, and each unsafe one, becomes one `_`. */
function asciiFallback(name: string): string {
  let fallback = "";
  // for…of walks code points, so an emoji becomes one `_`, not two.
  for (const char of name) {
    const code = char.codePointAt(0) ?? 0;
    fallback += code >= 0x20 && code <= 0x7e && !UNSAFE_IN_FALLBACK.has(char) ? char : "_";
  }
  fallback = fallback.trim();
  if (fallback === "") return DEFAULT_NAME;
  if (fallback.length <= MAX_FALLBACK_LENGTH) return fallback;
  // Shorten the stem, not the extension, so that the file still opens with the right program.
  const dot = fallback.lastIndexOf(".");
  const extension = dot > 0 && fallback.length - dot <= MAX_KEPT_EXTENSION ? fallback.slice(dot) : "";
  return fallback.slice(0, MAX_FALLBACK_LENGTH - extension.length) + extension;
}

/** UTF-8 bytes, percent-encoded except RFC 5987 attr-char. Lone surrogates become U+FFFD. */
function encodeExtValue(name: string): string {
  let encoded = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const char = String.fromCharCode(byte);
    const plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || ATTR_CHAR_PUNCTUATION.has(char);
    encoded += plain ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}
