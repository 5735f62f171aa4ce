/**
 * A menu or quick reply as real buttons, loaded on demand (not in the first
 * view). One click answers; then every button is disabled and the chosen one
 * marked (`aria-pressed`). An option with a `targetUrl` opens its http(s) page
 * in a new tab without opener, and answers too.
 * @module
 */
import type { JSX } from "preact";
import type { Entry } from "../entries.js";

interface Props {
  entry: Entry;
  /** Whether the customer may answer (the chat is running, the menu is not theirs). */
  canAnswer: boolean;
  onAnswer(optionId: string): void;
}

/** Only http(s) pages open; the server refuses anything else, this is a second lock. */
function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function RichMessage({ entry, canAnswer, onAnswer }: Props): JSX.Element | null {
  const menu = entry.menu;
  if (menu === undefined) return null;
  const isAnswered = entry.chosen !== undefined;
  const label = entry.text !== "" ? entry.text : undefined;
  return (
    <div class={menu.type === "MENU" ? "rich menu" : "rich quick-replies"}>
      {label !== undefined && <div>{label}</div>}
      <div role="group" aria-label={label} class="rich-options">
        {menu.options.map((option) => {
          const url = safeUrl(option.targetUrl);
          const choose = () => {
            if (url !== undefined) window.open(url, "_blank", "noopener,noreferrer");
            onAnswer(option.id);
          };
          return (
            <button
              key={option.id}
              type="button"
              class={entry.chosen === option.id ? "rich-option chosen" : "rich-option"}
              data-option={option.id}
              aria-pressed={isAnswered ? entry.chosen === option.id : undefined}
              disabled={isAnswered || !canAnswer}
              onClick={choose}
            >
              {option.text}
              {url !== undefined && <span aria-hidden="true"> ↗</span>}
            </button>
          );
        })}
      </div>
    </div>
  );
}
