/**
 * The composer's emoji button and its small grid (the built-in set of
 * @parley/protocol's `EMOJI_CHOICES`): a pick goes where the caret was in the
 * message box, which gets the focus back; Escape closes the grid.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { EMOJI_CHOICES } from "@parley/protocol";

export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const [isOpen, setOpen] = useState(false);
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (isOpen) grid.current?.querySelector("button")?.focus();
  }, [isOpen]);
  return (
    <span class="emoji-picker">
      <button type="button" class="secondary" aria-expanded={isOpen} aria-controls="emoji-grid" onClick={() => setOpen(!isOpen)}>
        Emoji
      </button>
      {isOpen && (
        <div
          id="emoji-grid"
          ref={grid}
          role="group"
          aria-label="Emoji"
          class="emoji-grid"
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            e.preventDefault();
            setOpen(false);
          }}
        >
          {EMOJI_CHOICES.map((choice) => (
            <button
              key={choice.emoji}
              type="button"
              aria-label={choice.name}
              title={choice.name}
              onClick={() => {
                setOpen(false);
                onPick(choice.emoji);
              }}
            >
              {choice.emoji}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
