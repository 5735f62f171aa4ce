/** Text with its http(s) URLs made into links; everything else stays text, never HTML. @module */
import type { JSX } from "preact";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Whether a URL may become a link: http and https only (never javascript:, data:, …). */
export function isWebUrl(url: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function ExternalLink({ url }: { url: string }): JSX.Element {
  return isWebUrl(url) ? (
    <a href={url} target="_blank" rel="noopener noreferrer">
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
    parts.push(<ExternalLink key={start} url={url} />);
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
