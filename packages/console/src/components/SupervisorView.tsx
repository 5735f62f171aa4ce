/**
 * The supervisor's view (supervisors and admins only): every waiting and
 * active chat with its wait and handle times, and what a supervisor does
 * with one — monitor it unseen, whisper to its agent, join it, take it over
 * or reassign it.
 */
import { useEffect, useState } from "preact/hooks";
import type { SupervisedChat } from "@parley/protocol";
import { describeFailure, supervisedChats } from "../api.js";
import type { Desk } from "../desk.js";

/** How often the times are read again while the view is open. */
const REFRESH_MS = 5_000;

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes === 0 ? `${seconds} s` : `${minutes} min ${seconds % 60} s`;
}

export function SupervisorView({ desk, onOpen, onClose }: { desk: Desk; onOpen: () => void; onClose: () => void }) {
  const [chats, setChats] = useState<SupervisedChat[] | undefined>(undefined);
  const [error, setError] = useState("");
  const [round, setRound] = useState(0);
  useEffect(() => {
    let isCurrent = true;
    supervisedChats(desk.login.token).then(
      (list) => {
        if (!isCurrent) return;
        setChats(list);
        setError("");
      },
      (failure: unknown) => isCurrent && setError(describeFailure(failure)),
    );
    const timer = setTimeout(() => setRound((n) => n + 1), REFRESH_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [desk, round]);

  /** Runs an action on a chat, then shows it; a refusal is shown above the table. */
  const act = async (action: () => Promise<void>) => {
    try {
      await action();
      onOpen();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  const monitored = async (chatId: string) => {
    await desk.monitor(chatId);
    return desk.rooms.get(chatId);
  };

  return (
    <section class="supervision" aria-labelledby="supervision-heading">
      <div class="privacy-head">
        <h2 id="supervision-heading">Supervision</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="muted">Monitoring is unseen by the customer. A whisper is a note only the chat's agents read.</p>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {chats === undefined ? (
        <p class="muted">Loading…</p>
      ) : chats.length === 0 ? (
        <p class="muted">No waiting or active chats.</p>
      ) : (
        <table class="audit supervision-table">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Status</th>
              <th scope="col">Agents</th>
              <th scope="col">Waiting</th>
              <th scope="col">Handled for</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {chats.map((chat) => (
              <tr key={chat.id} data-chat-id={chat.id}>
                <td>{chat.nickname}</td>
                <td>
                  {chat.status}
                  {chat.queue !== null && <span class="muted"> ({chat.queue})</span>}
                </td>
                <td>{chat.agents.map((agent) => agent.nickname).join(", ") || "—"}</td>
                <td>{chat.status === "waiting" ? duration(chat.waitSeconds) : "—"}</td>
                <td>{chat.status === "active" ? duration(chat.handleSeconds) : "—"}</td>
                <td class="supervision-actions">
                  <button type="button" onClick={() => void act(() => desk.monitor(chat.id))}>
                    Monitor
                  </button>
                  <button type="button" onClick={() => void act(async () => void (await monitored(chat.id))?.startWhisper())}>
                    Whisper
                  </button>
                  <button type="button" onClick={() => void act(() => desk.join(chat.id))}>
                    Join
                  </button>
                  {chat.status === "active" && (
                    <>
                      <button
                        type="button"
                        onClick={() => void act(async () => void (await monitored(chat.id))?.startTakeOver())}
                      >
                        Take over
                      </button>
                      <button type="button" onClick={() => void act(async () => void (await monitored(chat.id))?.startTransfer())}>
                        Reassign
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
