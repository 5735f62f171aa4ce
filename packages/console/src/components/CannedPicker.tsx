/**
 * The `/` picker of the composer: typing `/` at the start of the message
 * opens the canned responses (shared and the agent's own), searched by
 * shortcut and title as the agent types; ↑/↓ move, Enter or Tab inserts the
 * response with its placeholders filled, Escape closes. The textarea keeps
 * the focus (a listbox with `aria-activedescendant`), so typing never stops.
 */
import type { ComponentChild } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { CannedResponse } from "@parley/protocol";
import { cannedList } from "../canned-api.js";
import { fillPlaceholders, searchCanned, type PlaceholderValues } from "../canned-fill.js";

/** The composer's text while it asks for a canned response: `/` then a query without spaces. */
const QUERY = /^\/(\S*)$/;

/** The list of canned responses, kept current. */
function useCannedList(token: string): readonly CannedResponse[] {
  const [list, setList] = useState(cannedList.current);
  useEffect(() => {
    const stop = cannedList.subscribe(setList);
    void cannedList.ensure(token);
    return stop;
  }, [token]);
  return list;
}

/** What the composer wires to its textarea. */
export interface CannedPicker {
  /** The listbox to show above the textarea; null when closed. */
  view: ComponentChild;
  /** Attributes for the textarea (it stays a textbox; these tie it to the listbox). */
  textareaProps: Record<string, string | undefined>;
  /** Handles the picker's keys; true when the key was the picker's. */
  onKeyDown: (e: KeyboardEvent) => boolean;
}

/** The most options the picker shows at once. */
const PICKER_SIZE = 6;

export function useCannedPicker(token: string, text: string, values: () => PlaceholderValues, insert: (text: string) => void): CannedPicker {
  const list = useCannedList(token);
  const query = QUERY.exec(text)?.[1];
  // Escape closes it until the text stops asking (the agent wants to send a literal "/…").
  const [dismissedFor, setDismissedFor] = useState<string | undefined>(undefined);
  const [active, setActive] = useState(0);
  const isOpen = query !== undefined && dismissedFor !== text;
  const found = useMemo(() => (isOpen ? searchCanned(list, query ?? "") : []), [isOpen, list, query]);
  // A short list that never scrolls: the agent narrows it by typing, and every option stays in view
  // (a scrolled listbox driven by aria-activedescendant would hide the active option from sighted users).
  const matches = found.slice(0, PICKER_SIZE);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (query === undefined) setDismissedFor(undefined);
  }, [query]);
  const current = matches[Math.min(active, matches.length - 1)];
  const optionId = (response: CannedResponse) => `canned-option-${response.id}`;

  const choose = (response: CannedResponse) => insert(fillPlaceholders(response.text, values()));

  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!isOpen) return false;
    if (e.key === "Escape") {
      setDismissedFor(text);
      return true;
    }
    if (matches.length === 0) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((at) => (Math.min(at, matches.length - 1) + step + matches.length) % matches.length);
      return true;
    }
    if ((e.key === "Enter" && !e.shiftKey && !e.isComposing) || e.key === "Tab") {
      if (current !== undefined) choose(current);
      return true;
    }
    return false;
  };

  const view = isOpen ? (
    <div class="canned-picker">
      <ul role="listbox" id="canned-listbox" aria-label="Canned responses">
        {matches.map((response) => (
          <li
            key={response.id}
            id={optionId(response)}
            role="option"
            aria-selected={response === current}
            class={response === current ? "active" : undefined}
            // The textarea keeps the focus: a mouse press must not take it.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(response)}
          >
            <span class="canned-shortcut">/{response.shortcut}</span> <span class="canned-title">{response.title}</span>
            {response.scope === "personal" && <span class="canned-scope"> (mine)</span>}
            <span class="canned-preview">{response.text}</span>
          </li>
        ))}
      </ul>
      {matches.length === 0 && <p class="canned-none">No canned response matches “{query}”.</p>}
      {found.length > matches.length && <p class="canned-none">{found.length - matches.length} more: keep typing to narrow the list.</p>}
    </div>
  ) : null;

  return {
    view,
    textareaProps: {
      "aria-autocomplete": "list",
      "aria-controls": isOpen ? "canned-listbox" : undefined,
      "aria-activedescendant": isOpen && current !== undefined ? optionId(current) : undefined,
    },
    onKeyDown,
  };
}
