/** The live queue of waiting chats, oldest first, each with its first message and waiting time. */
import { useState } from "preact/hooks";
import { LiveChatError } from "@parley/sdk";
import type { Desk } from "../desk.js";
import { useNow } from "../hooks.js";
import { formatWaiting, waitingSince } from "../text.js";
import { RoleBadge } from "./RoleBadge.js";

export function Queue({ desk, onJoined }: { desk: Desk; onJoined: () => void }) {
  // Ticks to re-render; the time itself is read at each render, so any change shows current waits.
  useNow(30_000);
  const now = Date.now();
  const [error, setError] = useState("");
  const waiting = desk.waitingChats;

  const join = async (chatId: string) => {
    setError("");
    try {
      await desk.join(chatId);
      onJoined();
    } catch (failure) {
      setError(failure instanceof LiveChatError ? `${failure.message} (${failure.code})` : String(failure));
    }
  };

  return (
    <section class="queue" aria-labelledby="queue-heading" onFocusIn={() => desk.queueSeen()} onMouseEnter={() => desk.queueSeen()}>
      <h2 id="queue-heading">
        Waiting chats <span class="count">{waiting.length}</span>
        {desk.newChats > 0 && <span class="badge">{desk.newChats} new</span>}
      </h2>
      {!desk.isQueueLive && <p class="muted">Connecting to the queue…</p>}
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {waiting.length === 0 ? (
        <p class="muted">No one is waiting.</p>
      ) : (
        <ul class="queue-list">
          {waiting.map((chat) => (
            <li key={chat.id} class="queue-item" data-chat-id={chat.id}>
              <div class="queue-head">
                <span class="who">
                  <strong class="nickname">{chat.nickname}</strong> <RoleBadge isAgent={false} />
                </span>
                <span class="muted waiting">waiting {formatWaiting(waitingSince(chat), now)}</span>
              </div>
              <p class="first-message">{chat.firstMessage === null ? "No message yet" : chat.firstMessage.text}</p>
              <button type="button" onClick={() => void join(chat.id)} aria-label={`Join the chat with ${chat.nickname} (customer)`}>
                Join
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
