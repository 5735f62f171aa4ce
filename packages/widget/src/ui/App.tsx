/** The launcher, the panel and the full-size image view, with focus managed between them. @module */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import type { HostPage } from "../host-page.js";
import { format, type Strings } from "../i18n.js";
import type { ChatSession } from "../session.js";
import { Composer } from "./Composer.js";
import { Conversation } from "./Conversation.js";
import { ChatIcon, CloseIcon } from "./icons.js";
import { loadOnDemand, useOnDemand } from "../on-demand.js";
import { OfflineGate } from "./OfflineGate.js";
import { PrechatGate } from "./PrechatGate.js";
import { StartForm } from "./StartForm.js";
import { Waiting } from "./Waiting.js";

/** The survey and transcript after a chat: a chunk of its own, fetched when a chat ends. */
const afterChat = loadOnDemand(() => import("./Survey.js"));

interface Props {
  session: ChatSession;
  config: WidgetConfig;
  strings: Strings;
  host: HostPage;
}

export function App({ session, config, strings, host }: Props): JSX.Element {
  const [state, setState] = useState(session.state);
  const survey = useOnDemand(afterChat, state.phase === "ended");
  const [isOpen, setOpen] = useState(false);
  // A proactive invitation's message, shown in place of the greeting.
  const [invitation, setInvitation] = useState<string | null>(null);
  const [isDragging, setDragging] = useState(false);
  const [image, setImage] = useState<{ src: string; name: string } | null>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const closeImage = useRef<HTMLButtonElement>(null);

  useEffect(() => session.subscribe(() => setState(session.state)), [session]);
  // The page's Parley.open() and Parley.close(), those it queued before the widget ran included.
  useEffect(
    () =>
      host.attach({
        open: () => setOpen(true),
        close: () => setOpen(false),
        invite: (message) => {
          setInvitation(message);
          setOpen(true);
        },
      }),
    [host],
  );
  const wasOpen = useRef(false);
  useEffect(() => {
    if (isOpen === wasOpen.current) return;
    wasOpen.current = isOpen;
    host.emit(isOpen ? "WidgetShown" : "WidgetHidden");
    // Fetched while the customer types a name: the chat opens without waiting for it.
    if (isOpen) session.sdk().catch(() => undefined);
    // Back to the launcher, shown again now that the panel is gone (on phones it hides under the panel).
    else launcher.current?.focus();
  }, [isOpen]);
  useEffect(() => {
    session.isVisible = () => isOpen && document.visibilityState === "visible";
    session.markSeen();
    const onVisibility = () => session.markSeen();
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, [isOpen, session]);

  // Focus goes into the panel when it opens, and to where the customer can act when the phase changes.
  useEffect(() => {
    if (!isOpen) return;
    const root = panel.current;
    const target = root?.querySelector<HTMLElement>("#parley-nickname, #parley-text, .new-chat") ?? root?.querySelector<HTMLElement>(".close");
    target?.focus();
  }, [isOpen, state.phase]);
  useEffect(() => closeImage.current?.focus(), [image]);

  const close = () => setOpen(false);
  const onKeyDown = (event: KeyboardEvent) => {
    // The image view is modal: Tab stays on its one control.
    if (event.key === "Tab" && image) {
      event.preventDefault();
      closeImage.current?.focus();
      return;
    }
    if (event.key !== "Escape") return;
    event.stopPropagation();
    if (image) setImage(null);
    else close();
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (state.phase !== "chat") return;
    for (const file of [...(event.dataTransfer?.files ?? [])]) session.sendFile(file);
  };
  const isOffline = (state.phase === "chat" || state.phase === "restoring") && (!state.isBrowserOnline || !state.isConnected);
  const title = config.title ?? strings.title;
  const greeting = invitation ?? config.greeting ?? strings.greeting;

  return (
    <div class={`root ${config.position}${isOpen ? " open" : ""}`} onKeyDown={onKeyDown}>
      {isOpen && (
        <div
          class={`panel${isDragging ? " dragging" : ""}`}
          ref={panel}
          role="dialog"
          aria-labelledby="parley-title"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <header>
            <h2 id="parley-title">{title}</h2>
            <button type="button" class="close" onClick={close} aria-label={strings.close}>
              <CloseIcon />
            </button>
          </header>
          {isOffline && (
            <p class="banner" role="status">
              {state.isBrowserOnline ? strings.reconnecting : strings.offline}
            </p>
          )}
          {state.phase === "start" || state.phase === "starting" ? (
            <OfflineGate config={config}>
              <PrechatGate config={config} session={session} strings={strings} greeting={greeting} isBusy={state.phase === "starting"}>
                <StartForm session={session} strings={strings} greeting={greeting} isBusy={state.phase === "starting"} />
              </PrechatGate>
            </OfflineGate>
          ) : (
            <>
              {state.phase === "chat" && !state.hasAgent && <Waiting queue={state.queue} strings={strings} />}
              <Conversation greeting={greeting} entries={state.entries} session={session} strings={strings} onOpenImage={(src, name) => setImage({ src, name })} />
            </>
          )}
          <p class="typing" role="status">
            {state.typing !== null && state.phase === "chat" ? strings.typing.replace("{name}", state.typing) : ""}
          </p>
          {state.notice !== null && (
            <p class="notice" role="alert">
              {state.notice}
            </p>
          )}
          {state.phase === "chat" && <Composer session={session} strings={strings} />}
          {state.phase === "ended" && survey !== null && <survey.Survey config={config} chat={session.credential} />}
          {state.phase === "ended" && (
            <button type="button" class="primary new-chat" onClick={() => void session.newChat()}>
              {strings.newChat}
            </button>
          )}
          {isDragging && <div class="drop" aria-hidden="true">{strings.dropHere}</div>}
        </div>
      )}
      {image && (
        <div class="viewer" role="dialog" aria-modal="true" aria-label={image.name}>
          <img src={image.src} alt={image.name} />
          <button type="button" ref={closeImage} class="primary" onClick={() => setImage(null)}>
            {strings.closeImage}
          </button>
        </div>
      )}
      <button
        type="button"
        class="launcher"
        ref={launcher}
        aria-expanded={isOpen}
        aria-label={isOpen ? strings.close : state.unread > 0 ? `${strings.open} (${format(strings.unread, { count: String(state.unread) })})` : strings.open}
        onClick={() => {
          host.emit("WidgetClicked");
          setOpen(!isOpen);
        }}
      >
        {isOpen ? <CloseIcon /> : <ChatIcon />}
        {!isOpen && state.unread > 0 && (
          <span class="badge" aria-hidden="true">
            {state.unread}
          </span>
        )}
      </button>
    </div>
  );
}
