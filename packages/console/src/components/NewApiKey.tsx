/** A key just created: its text shown this once, with a copy button and a warning. */
import { useEffect, useRef, useState } from "preact/hooks";

export function NewApiKey({ name, keyText, onDone }: { name: string; keyText: string; onDone: () => void }) {
  const [copied, setCopied] = useState("");
  const box = useRef<HTMLElement>(null);
  // Focus moves to the key, so a screen reader reads the warning and a keyboard user reaches the copy button next.
  useEffect(() => box.current?.focus(), [keyText]);
  return (
    <section class="new-key" aria-labelledby="new-key-heading" tabIndex={-1} ref={box}>
      <h3 id="new-key-heading">API key {name}</h3>
      <p class="warning">
        <strong>Copy this key now.</strong> It is shown only this once: Parley keeps only its hash, and nobody can show it again.
      </p>
      <label for="new-key-text">The key</label>
      <input id="new-key-text" class="key-text" readOnly value={keyText} onFocus={(event) => event.currentTarget.select()} />
      <div class="form-actions">
        <button
          type="button"
          onClick={() => {
            navigator.clipboard.writeText(keyText).then(
              () => setCopied("Copied to the clipboard."),
              () => setCopied("Copying failed: select the key and copy it by hand."),
            );
          }}
        >
          Copy key
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          I have stored it
        </button>
        <span role="status">{copied}</span>
      </div>
    </section>
  );
}
