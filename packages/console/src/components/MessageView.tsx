/**
 * One timeline item. Text is always rendered as text; only http(s) URLs
 * become links, opening in a new tab without access to this page.
 */
import { useEffect, useState } from "preact/hooks";
import type { MediaBody, Tick, TimelineItem } from "../room.js";
import { formatFullDate, formatSize, formatTime, linkify, safeHttpUrl } from "../text.js";
import { NoteView } from "./NoteView.js";
import { RoleBadge } from "./RoleBadge.js";

/** How a file's preview and download are fetched: over the SDK in an open chat, over REST in a read-only one. */
export interface MediaAccess {
  preview(messageId: string): Promise<string>;
  /** Opens the full-size image. */
  open(messageId: string, body: MediaBody): Promise<void>;
  download(messageId: string, body: MediaBody): Promise<void>;
}

const TICK_LABELS: Record<Tick, [string, string]> = {
  sending: ["…", "Sending"],
  sent: ["✓", "Sent"],
  received: ["✓✓", "Delivered"],
  // Seen is spelled out, not told by colour alone.
  seen: ["✓✓ Seen", "Seen"],
  failed: ["! Not sent", "Not sent"],
};

function ExternalLink({ href, text }: { href: string; text: string }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  );
}

function Media({ id, body, access }: { id: string; body: MediaBody; access: MediaAccess }) {
  const [preview, setPreview] = useState(body.previewUrl);
  const [error, setError] = useState("");
  useEffect(() => {
    if (body.messageType !== "IMAGE" || preview !== undefined) return;
    let isCurrent = true;
    access
      .preview(id)
      .then((url) => {
        if (!isCurrent) return;
        setPreview(url);
        setError("");
      })
      .catch(() => isCurrent && setError("Preview unavailable"));
    return () => {
      isCurrent = false;
    };
    // Retried once the file is stored: before that, the thumbnail of an image being processed is not ready.
  }, [id, body.messageType, preview, access, body.isStored]);
  useEffect(() => {
    if (body.previewUrl !== undefined) setPreview(body.previewUrl);
  }, [body.previewUrl]);

  const run = (action: Promise<void>) => action.catch((failure: unknown) => setError(String((failure as Error).message)));
  if (body.messageType === "IMAGE") {
    return (
      <figure class="image">
        <button type="button" class="thumb" onClick={() => void run(access.open(id, body))} aria-label={`Open ${body.fileName} full size`}>
          {preview === undefined ? <span class="muted">Loading image…</span> : <img src={preview} alt={body.fileName} />}
        </button>
        {body.caption !== "" && <figcaption>{body.caption}</figcaption>}
        {error !== "" && <p class="error">{error}</p>}
        {body.failure !== undefined && <p class="error">{body.failure}</p>}
      </figure>
    );
  }
  return (
    <div class="document">
      <span class="doc-type">{body.documentType}</span>
      <span class="doc-name">{body.fileName}</span>
      <span class="muted">{formatSize(body.size)}</span>
      <button type="button" onClick={() => void run(access.download(id, body))} aria-label={`Download ${body.fileName}`}>
        Download
      </button>
      {body.caption !== "" && <p>{body.caption}</p>}
      {error !== "" && <p class="error">{error}</p>}
    </div>
  );
}

export function MessageView({ item, access }: { item: TimelineItem; access: MediaAccess }) {
  if (item.kind === "note") return <NoteView note={item.note} />;
  if (item.kind === "notice") {
    return (
      <li class="notice-item" data-id={item.id}>
        {item.text}
      </li>
    );
  }
  const { body } = item;
  let content;
  if (body.type === "text") {
    content = (
      <p class="text">
        {linkify(body.text).map((part, i) => (part.href === undefined ? part.text : <ExternalLink key={i} href={part.href} text={part.text} />))}
      </p>
    );
  } else if (body.type === "link") {
    const href = safeHttpUrl(body.url);
    content = <p class="text">{href === undefined ? body.url : <ExternalLink href={href} text={body.url} />}</p>;
  } else if (body.type === "menu") {
    // Read-only here: only the customer answers, in the widget.
    content = (
      <div class="rich" data-rich={body.messageType}>
        {body.text !== "" && <p class="text">{body.text}</p>}
        <ul class="rich-options" aria-label={body.messageType === "MENU" ? "Menu options" : "Quick replies"}>
          {body.options.map((option) => (
            <li key={option.id} data-option={option.id}>
              {option.text}
              {option.targetUrl !== undefined && safeHttpUrl(option.targetUrl) !== undefined && <> — <ExternalLink href={safeHttpUrl(option.targetUrl)!} text={option.targetUrl} /></>}
            </li>
          ))}
        </ul>
      </div>
    );
  } else if (body.type === "menuAnswer") {
    content = (
      <p class="text rich-answer" data-option={body.option.id}>
        Chose: <strong>{body.option.text}</strong>
      </p>
    );
  } else {
    content = <Media id={item.id} body={body} access={access} />;
  }
  const tick = item.tick === undefined ? undefined : TICK_LABELS[item.tick];
  return (
    <li class={`message ${item.isMine ? "mine" : "theirs"} ${item.author.isAgent ? "by-agent" : "by-customer"}`} data-id={item.id}>
      <div class="meta">
        <span class="author">{item.author.nickname}</span> <RoleBadge isAgent={item.author.isAgent} /> <time dateTime={item.ts} title={formatFullDate(item.ts)}>{formatTime(item.ts)}</time>
      </div>
      {content}
      {tick !== undefined && (
        <span class={`tick tick-${item.tick}`} data-tick={item.tick} title={tick[1]}>
          {tick[0]}
          {item.tick !== "seen" && item.tick !== "failed" && <span class="sr-only"> {tick[1]}</span>}
        </span>
      )}
    </li>
  );
}
