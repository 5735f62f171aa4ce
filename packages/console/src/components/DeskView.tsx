/** The logged-in console: header, the chat lists, the chat on screen and the live region. */
import { useState } from "preact/hooks";
import type { ChatListItem } from "@parley/protocol";
import type { Desk } from "../desk.js";
import { useDesk } from "../hooks.js";
import { Conversation } from "./Conversation.js";
import { EndedChats } from "./EndedChats.js";
import { MyChats } from "./MyChats.js";
import { PrivacyView } from "./PrivacyView.js";
import { Queue } from "./Queue.js";
import { ReadOnlyChat } from "./ReadOnlyChat.js";
import { StatusSwitch } from "./StatusSwitch.js";

export function DeskView({ desk, onLogout }: { desk: Desk; onLogout: () => void }) {
  useDesk(desk);
  const [readOnly, setReadOnly] = useState<ChatListItem | undefined>(undefined);
  const readOnlyId = readOnly?.id;
  const closeReadOnly = () => setReadOnly(undefined);
  const [showPrivacy, setShowPrivacy] = useState(false);
  const room = readOnlyId === undefined ? desk.selected : undefined;
  // A chat that ends here belongs in the ended list at once.
  const endedHere = [...desk.rooms.values()].filter((r) => r.hasEnded).length;

  return (
    <div class="desk">
      <header class="topbar">
        <h1>Parley console</h1>
        <span class="who">
          Logged in as <strong>{desk.login.agent.nickname}</strong>
        </span>
        <span class={`state state-${desk.connectionState}`}>{desk.connectionState === "connected" ? "Online" : "Reconnecting…"}</span>
        <StatusSwitch desk={desk} />
        <label class="sound">
          <input type="checkbox" checked={desk.isSoundOn} onChange={(e) => desk.setSound(e.currentTarget.checked)} />
          Sound on new chats
        </label>
        <button type="button" onClick={() => setShowPrivacy(true)}>
          Customer data
        </button>
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </header>
      <div class="columns">
        <nav class="sidebar" aria-label="Chats">
          <Queue
            desk={desk}
            onJoined={() => {
              setShowPrivacy(false);
              closeReadOnly();
            }}
          />
          <MyChats
            desk={desk}
            onSelect={(id) => {
              setShowPrivacy(false);
              closeReadOnly();
              desk.select(id);
            }}
          />
          <EndedChats
            token={desk.login.token}
            onOpen={(chat) => {
              setShowPrivacy(false);
              setReadOnly(chat);
            }}
            selectedId={readOnlyId}
            endedHere={endedHere}
          />
        </nav>
        <main class="main" id="main">
          {showPrivacy ? (
            <PrivacyView token={desk.login.token} onClose={() => setShowPrivacy(false)} />
          ) : readOnlyId !== undefined ? (
            <ReadOnlyChat key={readOnlyId} chatId={readOnlyId} outline={readOnly} login={desk.login} onClose={closeReadOnly} />
          ) : room !== undefined ? (
            <Conversation key={room.id} desk={desk} room={room} />
          ) : (
            <p class="empty">Join a waiting chat, or open one of yours.</p>
          )}
        </main>
      </div>
      <div class="sr-only" aria-live="polite" aria-atomic="true" id="announcements">
        {desk.announcement}
      </div>
    </div>
  );
}
