/** Small pure helpers for display: safe links, sizes, durations, downloads. */

/** The URL when it is an absolute http(s) URL, undefined otherwise: only those become links. */
export function safeHttpUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Addresses in text: http(s) URLs, and `www.` names (a dot and more after
 * them), which are given `https://`. Nothing else becomes a link: `javascript:`,
 * `data:` or any other scheme stays text.
 */
const ADDRESS = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[\p{L}\p{N}-]+\.[^\s<>"]+/giu;
/** Sentence punctuation after an address belongs to the sentence. */
const TRAILING = /[.,;:!?)\]'"]+$/;

/** Splits text into plain parts and links, so links render as anchors and the rest as text. */
export function linkify(text: string): { text: string; href?: string }[] {
  const parts: { text: string; href?: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const start = match.index ?? 0;
    const address = match[0].replace(TRAILING, "");
    const href = safeHttpUrl(/^www\./i.test(address) ? `https://${address}` : address);
    if (href === undefined) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: address, href });
    last = start + address.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * When the customer began to wait: their first wait, so that a chat sent back
 * to the queue keeps its time. The server's `firstWaitAt` when it gives one
 * (a chat started before its customer queued, e.g. after a pre-chat form),
 * else the chat's start, when its customer began waiting. Never a time that
 * restarts at each return to the queue.
 */
export function waitingSince(chat: { createdAt: string; firstWaitAt?: string | null }): string {
  return typeof chat.firstWaitAt === "string" && chat.firstWaitAt !== "" ? chat.firstWaitAt : chat.createdAt;
}

/** "just now", "4 min", "1 h 05 min". */
export function formatWaiting(sinceIso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The full local date and time, for a timestamp's hover title. */
export function formatFullDate(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
}

/** Hands a blob to the browser as a download with this name. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Which kind of message a file is sent as: PNG and JPEG are images, the rest documents. */
export function messageTypeOf(file: File): "IMAGE" | "DOCUMENT" {
  return file.type === "image/png" || file.type === "image/jpeg" ? "IMAGE" : "DOCUMENT";
}
