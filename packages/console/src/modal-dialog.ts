/**
 * A `<dialog>` shown modal for as long as its component is mounted: showModal
 * keeps the focus inside and the page behind inert, and closing gives the
 * focus back to what had it. The component closes it through its state (its
 * `onCancel` prevents the dialog closing itself), so the state stays the truth.
 */
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function useModalDialog(): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    return () => element.close();
  }, []);
  return dialog;
}
