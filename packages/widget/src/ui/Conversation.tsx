/** The conversation: messages, system lines, ticks, images and documents. @module */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Entry } from "../entries.js";
import { format, type Strings } from "../i18n.js";
import type { ChatSession } from "../session.js";
import { DocumentIcon } from "./icons.js";
import { ExternalLink, Linkified } from "./linkify.js";
import { loadOnDemand, useOnDemand } from "../on-demand.js";

// Menus and quick replies are rare: their buttons are a chunk of their own, fetched when one arrives.
const richMessage = loadOnDemand(() => import("./RichMessage.js"));

function Menu({ entry, session }: { entry: Entry; session: ChatSession }): JSX.Element {
  const loaded = useOnDemand(richMessage);
  if (loaded === null) return <Linkified text={entry.text} />;
  return <loaded.RichMessage entry={entry} canAnswer={!entry.isMine} onAnswer={(optionId) => session.answerMenu(entry, optionId)} />;
}

interface Props {
  /** The company's greeting: it stays at the top of the conversation. */
  greeting: string;
  entries: Entry[];
  session: ChatSession;
  strings: Strings;
  onOpenImage(src: string, name: string): void;
}

/** The hour and minute of a message, in the visitor's own time and way of writing it. */
function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The full date and time of a message, shown on hover. */
function fullDate(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: "full", timeStyle: "medium" });
}

const TICKS: Record<string, string> = { pending: "…", sent: "✓", received: "✓✓", seen: "✓✓", failed: "!" };

function Ticks({ entry, strings }: { entry: Entry; strings: Strings }): JSX.Element | null {
  if (!entry.isMine || entry.status === undefined) return null;
  return (
    <span class={`ticks ${entry.status}`} data-status={entry.status} title={strings[entry.status]}>
      <span aria-hidden="true">{TICKS[entry.status]}</span>
      <span class="sr">{strings[entry.status]}</span>
    </span>
  );
}

function DocumentLink({ entry, session, strings }: { entry: Entry; session: ChatSession; strings: Strings }): JSX.Element {
  const [href, setHref] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (entry.id !== undefined) session.downloadLink(entry).then(setHref, () => undefined);
  }, [entry.id]);
  // A signed link lasts minutes (mediaLinkTtlMs) and a chat can stay open for hours: each click fetches a fresh one.
  const open = (event: MouseEvent) => {
    event.preventDefault();
    session.downloadLink(entry).then(
      (fresh) => {
        setHref(fresh);
        window.open(fresh, "_blank", "noopener,noreferrer");
      },
      () => undefined,
    );
  };
  const name = entry.fileName ?? "document";
  return href === undefined ? (
    <span class="file">
      <DocumentIcon /> {name}
    </span>
  ) : (
    <a class="file" href={href} target="_blank" rel="noopener noreferrer" download={name} aria-label={format(strings.download, { name })} onClick={open}>
      <DocumentIcon /> {name}
    </a>
  );
}

function Body({ entry, session, strings, onOpenImage }: Props & { entry: Entry }): JSX.Element {
  switch (entry.kind) {
    case "link":
      return <ExternalLink url={entry.text} />;
    case "menu":
      return <Menu entry={entry} session={session} />;
    case "image": {
      const name = entry.fileName ?? "image";
      const open = () => session.fullsize(entry).then((src) => onOpenImage(src, name), () => undefined);
      return (
        <>
          <button type="button" class="thumb" onClick={open} aria-label={format(strings.openImage, { name })}>
            {entry.thumbnail ? <img src={entry.thumbnail} alt={format(strings.imageAlt, { name })} /> : <span>{name}</span>}
          </button>
          {entry.text && <div>{entry.text}</div>}
        </>
      );
    }
    case "document":
      return (
        <>
          <DocumentLink entry={entry} session={session} strings={strings} />
          {entry.text && <div>{entry.text}</div>}
        </>
      );
    default:
      return <Linkified text={entry.text} />;
  }
}

export function Conversation(props: Props): JSX.Element {
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [props.entries.length]);
  return (
    <div class="log" ref={list} role="log" aria-live="polite" aria-label={props.strings.messages} tabIndex={0}>
      <p class="greeting">{props.greeting}</p>
      <ol>
      {props.entries.map((entry) =>
        entry.kind === "system" ? (
          <li key={entry.key} class="system">
            {entry.text}
          </li>
        ) : (
          <li key={entry.key} class={entry.isMine ? "msg mine" : "msg theirs"} data-kind={entry.kind}>
            <span class="sr">{entry.author}: </span>
            {!entry.isMine && (
              <span class="author" aria-hidden="true">
                {entry.author}
              </span>
            )}
            <div class="bubble">
              <Body {...props} entry={entry} />
              {entry.progress !== undefined && (
                <progress max={1} value={entry.progress} aria-label={format(props.strings.uploading, { name: entry.fileName ?? "" })} />
              )}
            </div>
            {(entry.ts !== undefined || entry.status !== undefined) && (
              <span class="meta">
                {entry.ts !== undefined && <time dateTime={entry.ts} title={fullDate(entry.ts)}>{clockTime(entry.ts)}</time>}
                <Ticks entry={entry} strings={props.strings} />
              </span>
            )}
          </li>
        ),
      )}
      </ol>
    </div>
  );
}
