/** The chats this agent has open, with unread counts and who is writing. */
import type { Desk } from "../desk.js";
import { RoleBadge } from "./RoleBadge.js";

export function MyChats({ desk, onSelect }: { desk: Desk; onSelect: (id: string) => void }) {
  const rooms = [...desk.rooms.values()];
  return (
    <section aria-labelledby="mine-heading">
      <h2 id="mine-heading">My chats</h2>
      {rooms.length === 0 ? (
        <p class="muted">None open.</p>
      ) : (
        <ul class="my-chats">
          {rooms.map((room) => (
            <li key={room.id}>
              <button
                type="button"
                class={`chat-tab${room.id === desk.selectedId ? " selected" : ""}`}
                aria-current={room.id === desk.selectedId ? "true" : undefined}
                data-chat-id={room.id}
                onClick={() => onSelect(room.id)}
              >
                <span class="nickname">{room.customerNickname}</span> <RoleBadge isAgent={false} />
                {room.hasEnded && <span class="muted"> (ended)</span>}
                {room.isMonitor && <span class="muted"> (monitoring)</span>}
                {room.typing.size > 0 && <span class="typing-dot"> typing…</span>}
                {room.unread > 0 && (
                  <span class="unread">
                    {room.unread}
                    <span class="sr-only"> unread</span>
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
