/** Where the customer writes: Enter sends, Shift+Enter is a new line; files by picker or paste; emoji from a grid loaded on demand. @module */
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { insertAtCaret } from "@parley/protocol";
import type { Strings } from "../i18n.js";
import { loadOnDemand, useOnDemand } from "../on-demand.js";
import type { ChatSession } from "../session.js";
import { AttachIcon, SmileIcon } from "./icons.js";

const emojiGrid = loadOnDemand(() => import("./EmojiGrid.js"));

export function Composer({ session, strings }: { session: ChatSession; strings: Strings }): JSX.Element {
  const [text, setText] = useState("");
  const picker = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const [isEmojiOpen, setEmojiOpen] = useState(false);
  const grid = useOnDemand(emojiGrid, isEmojiOpen);
  const pickEmoji = (emoji: string) => {
    const input = box.current;
    const next = insertAtCaret(text, emoji, input?.selectionStart ?? text.length, input?.selectionEnd ?? text.length);
    setText(next.text);
    setEmojiOpen(false);
    if (input === null) return;
    input.focus();
    requestAnimationFrame(() => input.setSelectionRange(next.caret, next.caret));
  };
  const send = () => {
    if (text.trim() === "") return;
    session.sendText(text);
    setText("");
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };
  const onInput = (event: Event) => {
    const value = (event.currentTarget as HTMLTextAreaElement).value;
    setText(value);
    session.typing(value.trim() !== "");
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    for (const file of files) session.sendFile(file);
  };
  const onPick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    for (const file of [...(input.files ?? [])]) session.sendFile(file);
    input.value = "";
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <button type="button" class="icon" onClick={() => picker.current?.click()} aria-label={strings.attach} title={strings.attach}>
        <AttachIcon />
      </button>
      <input ref={picker} type="file" hidden accept="image/png,image/jpeg,.pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx" multiple onChange={onPick} tabIndex={-1} />
      <button type="button" class="icon emoji-button" aria-label={strings.emoji} title={strings.emoji} aria-expanded={isEmojiOpen} onClick={() => setEmojiOpen(!isEmojiOpen)}>
        <SmileIcon />
      </button>
      {isEmojiOpen && grid !== null && (
        <grid.EmojiGrid
          label={strings.emoji}
          onPick={pickEmoji}
          onClose={() => {
            setEmojiOpen(false);
            box.current?.focus();
          }}
        />
      )}
      <textarea ref={box} id="parley-text" rows={1} aria-label={strings.message} placeholder={strings.message} value={text} onInput={onInput} onKeyDown={onKeyDown} onPaste={onPaste} />
      <button type="submit" class="primary">
        {strings.send}
      </button>
    </form>
  );
}
