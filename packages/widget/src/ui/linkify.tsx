/** Text with its http(s) URLs and `www.` addresses made into links; everything else stays text, never HTML. @module */
import type { JSX } from "preact";

/** http(s) URLs, and `www.` names (a dot and more after them), which are given `https://`. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[\p{L}\p{N}-]+\.[^\s<>"']+/giu;

/** Whether a URL may become a link: http and https only (never javascript:, data:, …). */
export function isWebUrl(url: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** A link when `href` (the text by default) is an http(s) URL; the text alone otherwise. */
export function ExternalLink({ url, href = url }: { url: string; href?: string }): JSX.Element {
  return isWebUrl(href) ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {url}
    </a>
  ) : (
    <>{url}</>
  );
}

export function Linkified({ text }: { text: string }): JSX.Element {
  const parts: (string | JSX.Element)[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // Sentence punctuation after a URL belongs to the sentence.
    const url = match[0].replace(/[.,;:!?)\]]+$/, "");
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(<ExternalLink key={start} url={url} href={/^www\./i.test(url) ? `https://${url}` : url} />);
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
