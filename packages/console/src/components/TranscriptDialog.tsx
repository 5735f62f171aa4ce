/**
 * An earlier chat's transcript over the chat at hand: the read-only view in a
 * modal `<dialog>` (focus kept inside, Escape or Close returns to the chat).
 */
import { useModalDialog } from "../modal-dialog.js";
import type { ChatOutline } from "../chat-record.js";
import type { AgentLogin } from "../session.js";
import { ReadOnlyChat } from "./ReadOnlyChat.js";

export function TranscriptDialog({ chatId, outline, login, onClose }: { chatId: string; outline: ChatOutline; login: AgentLogin; onClose: () => void }) {
  const dialog = useModalDialog();
  return (
    <dialog
      ref={dialog}
      class="transcript-dialog"
      aria-labelledby="readonly-heading"
      onCancel={(e) => {
        // Escape: closed through the state, so the state stays the truth.
        e.preventDefault();
        onClose();
      }}
    >
      <ReadOnlyChat chatId={chatId} outline={outline} login={login} onClose={onClose} />
    </dialog>
  );
}
