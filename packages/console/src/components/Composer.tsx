/**
 * Writing to the customer: Enter sends (Shift+Enter is a new line), a lone
 * http(s) URL goes as a link, files come from the picker, a drop or a paste,
 * with upload progress and the server's reason when one is refused. `/` at
 * the start opens the canned responses (CannedPicker.tsx).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { insertAtCaret } from "@parley/protocol";
import type { PlaceholderValues } from "../canned-fill.js";
import type { Desk } from "../desk.js";
import type { Room } from "../room.js";
import { safeHttpUrl } from "../text.js";
import { useCannedPicker } from "./CannedPicker.js";
import { EmojiPicker } from "./EmojiPicker.js";

/** What the chat on screen fills a canned response's placeholders with. */
function placeholderValues(desk: Desk, room: Room): PlaceholderValues {
  const customer = room.contact.participants.find((p) => !p.isAgent) as { email?: unknown } | undefined;
  return {
    customerName: room.customerNickname,
    customerEmail: typeof customer?.email === "string" && customer.email !== "" ? customer.email : null,
    agentName: desk.login.agent.nickname,
    callData: room.contact.callData,
  };
}

export function Composer({ desk, room }: { desk: Desk; room: Room }) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  // Note mode: what is written is an internal note (a whisper when monitoring), never sent to the customer.
  const [isNote, setNote] = useState(room.isMonitor);
  useEffect(() => {
    if (room.pendingAction !== "whisper") return;
    room.pendingAction = undefined;
    setNote(true);
    document.getElementById("composer-text")?.focus();
  }, [room, room.pendingAction]);
  const asNote = isNote || room.isMonitor;
  const upload = desk.uploads.get(room.id);
  const error = desk.errors.get(room.id);
  const canned = useCannedPicker(desk.login.token, text, () => placeholderValues(desk, room), (filled) => {
    setText(filled);
    if (!asNote) desk.typing(room, filled !== "");
  });

  const send = () => {
    const value = text.trim();
    if (value === "") return;
    setText("");
    if (asNote) {
      void desk.sendNote(room, value);
      return;
    }
    desk.typing(room, false);
    const url = /\s/.test(value) ? undefined : safeHttpUrl(value);
    void (url !== undefined ? desk.sendLink(room, value) : desk.sendText(room, value));
  };

  return (
    <form
      class={`composer${asNote ? " composer-note" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="composer-text" class="sr-only">
        {asNote ? "Internal note (the customer does not see it)" : `Message to ${room.customerNickname}`}
      </label>
      {canned.view}
      <textarea
        ref={box}
        {...canned.textareaProps}
        id="composer-text"
        rows={2}
        placeholder={asNote ? "Internal note — the customer does not see this" : "Write a message… (Enter sends, Shift+Enter for a new line, / for canned responses)"}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          if (!asNote) desk.typing(room, e.currentTarget.value !== "");
        }}
        onKeyDown={(e) => {
          if (canned.onKeyDown(e)) {
            e.preventDefault();
            return;
          }
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        onPaste={(e) => {
          const files = [...(e.clipboardData?.files ?? [])];
          if (files.length === 0) return;
          e.preventDefault();
          for (const file of files) void desk.sendFile(room, file);
        }}
      />
      <div class="composer-actions">
        <button
          type="button"
          class="secondary note-toggle"
          aria-pressed={asNote}
          disabled={room.isMonitor}
          onClick={() => {
            if (!isNote) desk.typing(room, false);
            setNote(!isNote);
          }}
        >
          Note
        </button>
        <EmojiPicker
          onPick={(emoji) => {
            const input = box.current;
            const next = insertAtCaret(text, emoji, input?.selectionStart ?? text.length, input?.selectionEnd ?? text.length);
            setText(next.text);
            if (input === null) return;
            input.focus();
            // After Preact wrote the new value: the caret goes just after the emoji.
            requestAnimationFrame(() => input.setSelectionRange(next.caret, next.caret));
          }}
        />
        <label class="button-like" for="composer-file">
          Attach file
        </label>
        <input
          id="composer-file"
          class="sr-only"
          type="file"
          accept="image/png,image/jpeg,.pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx"
          onChange={(e) => {
            const input = e.currentTarget;
            for (const file of input.files ?? []) void desk.sendFile(room, file);
            input.value = "";
          }}
        />
        <button type="submit">{asNote ? (room.isMonitor ? "Whisper" : "Add note") : "Send"}</button>
      </div>
      {upload !== undefined && (
        <div class="upload">
          <label for="upload-progress">Sending {upload.fileName}</label>
          <progress id="upload-progress" max={upload.total || 1} value={upload.sent} />
        </div>
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
