/** Ended chats, newest first, searchable by nickname or chat id, paged by the server's cursor. */
import { useEffect, useState } from "preact/hooks";
import type { ChatListItem } from "@parley/protocol";
import { listChats } from "../api.js";
import { RoleBadge } from "./RoleBadge.js";

interface Props {
  token: string;
  onOpen: (chat: ChatListItem) => void;
  selectedId: string | undefined;
  /** How many open chats have ended: the list is read again when it grows. */
  endedHere: number;
}

export function EndedChats({ token, onOpen, selectedId, endedHere }: Props) {
  const [query, setQuery] = useState("");
  const [chats, setChats] = useState<ChatListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [isLoaded, setLoaded] = useState(false);

  const load = async (q: string, after?: string) => {
    setError("");
    try {
      const page = await listChats(token, after === undefined ? { status: "ended", q, limit: 20 } : { status: "ended", q, limit: 20, cursor: after });
      setChats((previous) => (after === undefined ? page.chats : [...previous, ...page.chats]));
      setCursor(page.nextCursor);
      setLoaded(true);
    } catch (failure) {
      setError(String((failure as Error).message));
    }
  };

  const [submitted, setSubmitted] = useState("");
  useEffect(() => {
    void load(submitted);
  }, [token, endedHere]);

  return (
    <section aria-labelledby="ended-heading">
      <h2 id="ended-heading">Ended chats</h2>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(query);
          void load(query);
        }}
      >
        <label for="ended-search">Search by nickname or chat id</label>
        <div class="search-row">
          <input id="ended-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <button type="submit">Search</button>
        </div>
      </form>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {isLoaded && chats.length === 0 && <p class="muted">No ended chats found.</p>}
      <ul class="ended-list">
        {chats.map((chat) => (
          <li key={chat.id}>
            <button
              type="button"
              class={`chat-tab${chat.id === selectedId ? " selected" : ""}`}
              aria-current={chat.id === selectedId ? "true" : undefined}
              data-chat-id={chat.id}
              onClick={() => onOpen(chat)}
            >
              <span class="nickname">{chat.nickname}</span> <RoleBadge isAgent={false} />
              <span class="muted"> · {new Date(chat.createdAt).toLocaleString()}</span>
              {chat.firstMessage !== null && <span class="first-message">{chat.firstMessage.text}</span>}
            </button>
          </li>
        ))}
      </ul>
      {cursor !== null && (
        <button type="button" onClick={() => void load(submitted, cursor)}>
          Show older
        </button>
      )}
    </section>
  );
}
