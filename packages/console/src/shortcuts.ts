/**
 * The console's keyboard shortcuts: the usual moves of a shift without the
 * mouse. Single keys act only when the focus is not in a field (typing a
 * message never triggers one); the Alt+↑/↓ moves between chats work in the
 * message box too. None is a key the browser itself owns (no Ctrl
 * combinations, no Alt+←/→, which go back and forward).
 */
import type { Desk } from "./desk.js";

/** One shortcut as the help dialog lists it. */
export interface Shortcut {
  /** The keys, as shown (`Alt+↓`). */
  keys: string;
  /** What it does. */
  does: string;
}

/** Every shortcut, in the help dialog's order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: "Alt+↓ or N", does: "Next of my chats" },
  { keys: "Alt+↑ or P", does: "Previous of my chats" },
  { keys: "A", does: "Accept the chat offered to me" },
  { keys: "R", does: "Write in the message box" },
  { keys: "T", does: "Transfer the chat on screen" },
  { keys: "E", does: "End the chat on screen (asks first)" },
  { keys: "/", does: "In the message box: canned responses" },
  { keys: "?", does: "This list of shortcuts" },
];

/** Whether the key went to something that takes text (single-key shortcuts leave it alone). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit", "reset", "file"].includes(target.type);
}

/** Whether a modal dialog is open: its own keys win. */
function isDialogOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

/** The chat after (or before) the one on screen among the agent's open chats, wrapping around. */
function neighbour(desk: Desk, step: 1 | -1): string | undefined {
  const ids = [...desk.rooms.keys()];
  if (ids.length === 0) return undefined;
  const at = desk.selectedId === undefined ? -1 : ids.indexOf(desk.selectedId);
  return ids[(at + step + ids.length) % ids.length];
}

/**
 * The action of a key press, or undefined when it is not a shortcut here.
 * `openHelp` shows the list.
 */
export function shortcutAction(desk: Desk, event: KeyboardEvent, openHelp: () => void): (() => void) | undefined {
  if (event.ctrlKey || event.metaKey || event.defaultPrevented || isDialogOpen()) return undefined;
  if (event.altKey) {
    if (event.shiftKey || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return undefined;
    const id = neighbour(desk, event.key === "ArrowDown" ? 1 : -1);
    return id === undefined ? undefined : () => desk.select(id);
  }
  if (isTyping(event.target)) return undefined;
  const room = desk.selected;
  const isOwnChat = room !== undefined && !room.hasEnded && !room.isMonitor;
  switch (event.key) {
    case "?":
      return openHelp;
    case "n":
    case "p": {
      const id = neighbour(desk, event.key === "n" ? 1 : -1);
      return id === undefined ? undefined : () => desk.select(id);
    }
    case "a": {
      const offer = desk.offers.keys().next().value;
      return offer === undefined ? undefined : () => void desk.acceptOffer(offer);
    }
    case "r":
      return room === undefined || room.hasEnded ? undefined : () => document.getElementById("composer-text")?.focus();
    case "t":
      return isOwnChat ? () => room.startTransfer() : undefined;
    case "e":
      return isOwnChat ? () => room.startEnd() : undefined;
    default:
      return undefined;
  }
}
