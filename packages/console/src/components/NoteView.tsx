/**
 * An internal note in the timeline, styled apart from messages and saying in
 * words that the customer does not see it (not by colour alone).
 */
import type { InternalNote } from "@parley/sdk";
import { formatFullDate, formatTime } from "../text.js";

const KIND_LABELS: Record<InternalNote["kind"], string> = {
  note: "Internal note",
  whisper: "Whisper",
  transfer: "Transfer note",
};

/** Where a transfer note sent the chat, in words. */
function targetOf(note: InternalNote): string {
  const target = note.transfer;
  if (target === undefined) return "";
  return "queue" in target ? ` → queue ${target.queue}` : ` → ${target.nickname}`;
}

export function NoteView({ note }: { note: InternalNote }) {
  return (
    <li class={`note-item note-${note.kind}`} data-id={note.id} data-kind={note.kind}>
      <div class="meta">
        <span class="note-label">
          {KIND_LABELS[note.kind]}
          {targetOf(note)}
        </span>{" "}
        — <span class="author">{note.author.nickname}</span> <time dateTime={note.ts} title={formatFullDate(note.ts)}>{formatTime(note.ts)}</time>
      </div>
      {note.text !== "" && <p class="text">{note.text}</p>}
      <p class="note-private">Internal note — the customer does not see this</p>
    </li>
  );
}
