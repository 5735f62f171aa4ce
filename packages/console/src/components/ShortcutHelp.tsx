/**
 * The keyboard shortcuts (shortcuts.ts) at work in the desk, and their list
 * in a modal dialog opened with `?` (outside a field) or the header's
 * "Shortcuts" button; Escape or Close closes it and gives the focus back.
 */
import { useEffect, useState } from "preact/hooks";
import type { Desk } from "../desk.js";
import { SHORTCUTS, shortcutAction } from "../shortcuts.js";
import { useModalDialog } from "../modal-dialog.js";

export function ShortcutHelp({ desk }: { desk: Desk }) {
  const [isOpen, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutAction(desk, event, () => setOpen(true));
      if (action === undefined) return;
      event.preventDefault();
      action();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [desk]);
  return (
    <>
      <button type="button" class="secondary" aria-keyshortcuts="?" onClick={() => setOpen(true)}>
        Shortcuts
      </button>
      {isOpen && <ShortcutDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function ShortcutDialog({ onClose }: { onClose: () => void }) {
  const dialog = useModalDialog();
  return (
    <dialog
      ref={dialog}
      class="shortcut-help"
      aria-labelledby="shortcut-help-heading"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcut-help-heading">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
              <td>{shortcut.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">Single keys work when the focus is not in a text field.</p>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
