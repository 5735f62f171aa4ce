/**
 * Putting a picked text (an emoji) into a message box, as both composers do.
 * A module of its own so the widget's first view takes this, not the emoji set.
 * @module
 */

/**
 * `text` with `emoji` (or any text) put where the selection was (replacing it), and where
 * the caret goes after it: what both composers do when one is picked.
 */
export function insertAtCaret(text: string, emoji: string, start: number, end: number): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + emoji + text.slice(to), caret: from + emoji.length };
}
