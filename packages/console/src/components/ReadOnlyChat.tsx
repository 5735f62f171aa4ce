/**
 * An ended (or another agent's) chat, read-only from its transcript, which can
 * be downloaded. The server's transcript has the messages; the joins, leaves,
 * the end and the ticks of the agent's own messages come from what this
 * browser recorded while the agent worked in the chat (else the chat list's
 * start and end, and no ticks: better none than a wrong "Sent").
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { fetchMedia, fetchTranscript, type Transcript } from "../api.js";
import { chatEvents, loadChatRecord, type ChatOutline } from "../chat-record.js";
import { fromHistory, type TimelineItem } from "../room.js";
import type { AgentLogin } from "../session.js";
import { saveBlob } from "../text.js";
import { transcriptText } from "../transcript.js";
import { ChatSurvey } from "./ChatSurvey.js";
import { ImageViewer } from "./ImageViewer.js";
import { MessageView, type MediaAccess } from "./MessageView.js";

export function ReadOnlyChat({ chatId, outline, login, onClose }: { chatId: string; outline: ChatOutline | undefined; login: AgentLogin; onClose: () => void }) {
  const [transcript, setTranscript] = useState<Transcript | undefined>(undefined);
  const [error, setError] = useState("");
  const [fullImage, setFullImage] = useState<{ url: string; name: string } | undefined>(undefined);

  useEffect(() => {
    fetchTranscript(login.token, chatId)
      .then(setTranscript)
      .catch((failure: unknown) => setError(String((failure as Error).message)));
  }, [chatId, login.token]);

  const access: MediaAccess = useMemo(() => {
    const blobUrl = async (id: string) => URL.createObjectURL(await fetchMedia(login.token, chatId, id));
    return {
      preview: blobUrl,
      open: async (id, body) => setFullImage({ url: await blobUrl(id), name: body.fileName }),
      download: async (id, body) => saveBlob(await fetchMedia(login.token, chatId, id), body.fileName),
    };
  }, [chatId, login.token]);

  // Read when the transcript arrives: a chat ended here has its record complete by then.
  const record = useMemo(() => (transcript === undefined ? undefined : loadChatRecord(chatId)), [chatId, transcript]);
  const items: TimelineItem[] = [];
  if (transcript !== undefined) {
    for (const event of chatEvents(record, outline)) items.push({ kind: "notice", id: `notice-${items.length}-${event.ts}`, ts: event.ts, text: event.text });
    for (const message of transcript.chatTranscript) items.push(fromHistory(message, login.agent.id, record?.ticks[message.id]));
    // Stable: at the same instant a join comes before what the joiner wrote.
    items.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  }
  return (
    <section class="conversation read-only" aria-labelledby="readonly-heading">
      <header class="conversation-head">
        <h2 id="readonly-heading">
          Transcript <span class="muted">(read-only)</span>
        </h2>
        <span class="muted chat-id">{chatId}</span>
        <button
          type="button"
          disabled={transcript === undefined}
          onClick={() =>
            transcript !== undefined &&
            saveBlob(new Blob([transcriptText(chatId, transcript.chatTranscript, { record: loadChatRecord(chatId), outline })], { type: "text/plain;charset=utf-8" }), `transcript-${chatId}.txt`)
          }
        >
          Download transcript
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {transcript !== undefined && transcript.chatTranscript.length === 0 && <p class="muted">No messages in this chat.</p>}
      <ol class="timeline" aria-label="Messages">
        {items.map((item) => (
          <MessageView key={item.id} item={item} access={access} />
        ))}
      </ol>
      {transcript !== undefined && <p class="ended-banner">{transcript.isChatActive ? "This chat is still open." : "This chat has ended."}</p>}
      {transcript !== undefined && !transcript.isChatActive && <ChatSurvey token={login.token} chatId={chatId} />}
      {fullImage !== undefined && <ImageViewer url={fullImage.url} name={fullImage.name} onClose={() => setFullImage(undefined)} />}
    </section>
  );
}
