/**
 * The widget's emoji grid, a chunk loaded the first time the customer opens
 * it (see on-demand.ts): the built-in set of `EMOJI_CHOICES`, each a button
 * named for screen readers. Escape closes it.
 * @module
 */
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { EMOJI_CHOICES } from "@parley/protocol";

export function EmojiGrid({ label, onPick, onClose }: { label: string; onPick: (emoji: string) => void; onClose: () => void }): JSX.Element {
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => grid.current?.querySelector("button")?.focus(), []);
  return (
    <div
      id="parley-emoji-grid"
      ref={grid}
      role="group"
      aria-label={label}
      class="emoji-grid"
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }}
    >
      {EMOJI_CHOICES.map((choice) => (
        <button key={choice.emoji} type="button" aria-label={choice.name} title={choice.name} onClick={() => onPick(choice.emoji)}>
          {choice.emoji}
        </button>
      ))}
    </div>
  );
}
