/** A full-size image over the page; Escape or the button closes it. */
import { useEffect, useRef } from "preact/hooks";

export function ImageViewer({ url, name, onClose }: { url: string; name: string; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      previous?.focus();
    };
  }, [onClose]);
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label={name}>
      <button type="button" ref={close} onClick={onClose}>
        Close image
      </button>
      <img src={url} alt={name} />
    </div>
  );
}
