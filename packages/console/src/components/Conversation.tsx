/** An open chat: its timeline, who is writing, the composer, and the end and leave actions. */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Desk } from "../desk.js";
import type { Room } from "../room.js";
import { saveBlob } from "../text.js";
import { Composer } from "./Composer.js";
import { ConfirmEnd } from "./ConfirmEnd.js";
import { ImageViewer } from "./ImageViewer.js";
import { MessageView, type MediaAccess } from "./MessageView.js";
import { RoleBadge } from "./RoleBadge.js";
import { TransferDialog } from "./TransferDialog.js";

export function Conversation({ desk, room }: { desk: Desk; room: Room }) {
  const [fullImage, setFullImage] = useState<{ url: string; name: string } | undefined>(undefined);
  const [isDragging, setDragging] = useState(false);
  const [isConfirmingEnd, setConfirmingEnd] = useState(false);
  const [isTransferring, setTransferring] = useState(false);
  const [isTakingOver, setTakingOver] = useState(false);
  // The supervisor's view asked for the transfer dialog (Reassign), or a keyboard shortcut for it or for ending.
  useEffect(() => {
    if (room.pendingAction !== "transfer" && room.pendingAction !== "takeOver" && room.pendingAction !== "end") return;
    if (room.pendingAction === "transfer") setTransferring(true);
    else if (room.pendingAction === "end") setConfirmingEnd(true);
    else setTakingOver(true);
    room.pendingAction = undefined;
  }, [room, room.pendingAction]);
  const endButton = useRef<HTMLButtonElement>(null);
  const log = useRef<HTMLOListElement>(null);
  const access: MediaAccess = useMemo(
    () => ({
      preview: (id) => desk.mediaUrl(room, id, "thumbnail"),
      open: async (id, body) => setFullImage({ url: await desk.mediaUrl(room, id, "link"), name: body.fileName }),
      download: async (id, body) => {
        const url = await desk.mediaUrl(room, id, "link");
        // The signed link answers with Content-Disposition: attachment, so this downloads.
        const response = await fetch(url);
        saveBlob(await response.blob(), body.fileName);
      },
    }),
    [desk, room],
  );

  // Whether the agent is reading the newest messages (the timeline is scrolled to its end).
  const isAtEnd = useRef(true);
  const showNewest = () => {
    log.current?.lastElementChild?.scrollIntoView({ block: "end" });
    // Set here too: the scroll event comes a frame later, maybe after an image has loaded.
    isAtEnd.current = true;
  };
  const count = room.items.length;
  useEffect(showNewest, [count]);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    for (const file of event.dataTransfer?.files ?? []) void desk.sendFile(room, file);
  };

  const typing = [...room.typing];
  return (
    <section
      class={`conversation${isDragging ? " dragging" : ""}`}
      aria-labelledby="conversation-heading"
      onDragOver={(e) => {
        if (room.hasEnded) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={room.hasEnded ? undefined : drop}
    >
      <header class="conversation-head">
        <h2 id="conversation-heading">
          Chat with {room.customerNickname} <RoleBadge isAgent={false} />
        </h2>
        <span class="muted chat-id">{room.id}</span>
        <ul class="participants" aria-label="Participants">
          {room.contact.participants.map((user) => (
            <li key={user.id} data-user-id={user.id}>
              <span class="nickname">{user.nickname}</span> <RoleBadge isAgent={user.isAgent} />
            </li>
          ))}
        </ul>
        {room.isMonitor && (
          <span class="monitor-badge" data-monitor="true">
            Monitoring — the customer does not see you
          </span>
        )}
        {room.hasEnded ? (
          <button type="button" onClick={() => desk.close(room.id)}>
            Close
          </button>
        ) : room.isMonitor ? (
          <>
            <button type="button" onClick={() => setTakingOver(true)}>
              Take over
            </button>
            <button type="button" onClick={() => setTransferring(true)}>
              Reassign
            </button>
            <button type="button" onClick={() => void desk.leave(room)}>
              Stop monitoring
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={() => setTransferring(true)}>
              Transfer
            </button>
            <button type="button" onClick={() => void desk.leave(room)}>
              Leave chat
            </button>
            <button type="button" class="danger" ref={endButton} onClick={() => setConfirmingEnd(true)}>
              End chat
            </button>
          </>
        )}
      </header>
      <ol
        class="timeline"
        ref={log}
        aria-label="Messages"
        onScroll={(e) => {
          const list = e.currentTarget;
          isAtEnd.current = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
        }}
        // An image grows its message only once loaded, after the scroll above: keep the newest message
        // in view when it is the image, or when the agent had not scrolled up to read.
        onLoadCapture={(e) => {
          const newest = log.current?.lastElementChild;
          if (isAtEnd.current || (newest !== null && newest !== undefined && newest.contains(e.target as Node))) showNewest();
        }}
      >
        {room.items.map((item) => (
          <MessageView key={item.id} item={item} access={access} />
        ))}
      </ol>
      <p class="typing" aria-live="off">
        {typing.length > 0 ? `${typing.join(", ")} ${typing.length > 1 ? "are" : "is"} typing…` : " "}
      </p>
      {room.hasEnded ? (
        <p class="ended-banner">This chat has ended.</p>
      ) : (
        <Composer desk={desk} room={room} />
      )}
      {isConfirmingEnd && (
        <ConfirmEnd
          nickname={room.customerNickname}
          onAnswer={(isEnding) => {
            setConfirmingEnd(false);
            if (isEnding) void desk.end(room);
            // Escape or "Keep chatting": the agent is back where they were.
            else endButton.current?.focus();
          }}
        />
      )}
      {isTransferring && <TransferDialog desk={desk} room={room} onClose={() => setTransferring(false)} />}
      {isTakingOver && <TransferDialog desk={desk} room={room} isTakeOver onClose={() => setTakingOver(false)} />}
      {fullImage !== undefined && <ImageViewer url={fullImage.url} name={fullImage.name} onClose={() => setFullImage(undefined)} />}
    </section>
  );
}
