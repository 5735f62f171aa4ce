/**
 * Asks before ending a chat: ending is for everyone and cannot be undone. A
 * modal `<dialog>` (focus kept inside, the page behind inert); the focus starts
 * on the safe choice, and Escape keeps the chat going.
 */
import { useEffect, useRef } from "preact/hooks";
import { useModalDialog } from "../modal-dialog.js";

export function ConfirmEnd({ nickname, onAnswer }: { nickname: string; onAnswer: (isEnding: boolean) => void }) {
  const dialog = useModalDialog();
  const keep = useRef<HTMLButtonElement>(null);
  // Shown by the hook above (effects run in order): the focus starts on the safe choice.
  useEffect(() => keep.current?.focus(), []);
  // Closed before answering: while the modal dialog is open, nothing behind it can take the focus back.
  const answer = (isEnding: boolean) => {
    dialog.current?.close();
    onAnswer(isEnding);
  };
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-end-heading"
      aria-describedby="confirm-end-text"
      onCancel={(e) => {
        // Escape: the dialog would close itself; the answer closes it instead, so the state stays the truth.
        e.preventDefault();
        answer(false);
      }}
    >
      <h2 id="confirm-end-heading">End the chat with {nickname}?</h2>
      <p id="confirm-end-text">The chat ends for everyone in it, and the customer cannot write in it any more.</p>
      <div class="confirm-actions">
        <button type="button" ref={keep} onClick={() => answer(false)}>
          Keep chatting
        </button>
        <button type="button" class="danger" onClick={() => answer(true)}>
          End chat
        </button>
      </div>
    </dialog>
  );
}
