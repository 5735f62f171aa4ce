/**
 * Canned responses' placeholders, filled when one is inserted in the composer:
 * `{{customer.name}}`, `{{customer.email}}`, `{{agent.name}}` and
 * `{{callData.<key>}}`. What the chat does not know becomes empty text, so a
 * customer never reads a raw `{{…}}`; spaces inside the braces are allowed.
 */
import type { CannedResponse } from "@parley/protocol";

/** What a chat offers to fill placeholders with. */
export interface PlaceholderValues {
  customerName: string;
  customerEmail: string | null;
  agentName: string;
  callData: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** The text with each placeholder replaced by its value. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (_whole, group: string, key: string) => {
    if (group === "customer" && key === "name") return values.customerName;
    if (group === "customer" && key === "email") return values.customerEmail ?? "";
    if (group === "agent" && key === "name") return values.agentName;
    if (group === "callData") return Object.prototype.hasOwnProperty.call(values.callData, key) ? (values.callData[key] ?? "") : "";
    return "";
  });
}

/** Responses whose shortcut or title matches `query` (what follows the `/`): shortcut prefixes first. */
export function searchCanned(list: readonly CannedResponse[], query: string): CannedResponse[] {
  const wanted = query.trim().toLowerCase();
  if (wanted === "") return [...list];
  const starts = list.filter((r) => r.shortcut.startsWith(wanted));
  const rest = list.filter((r) => !r.shortcut.startsWith(wanted) && (r.shortcut.includes(wanted) || r.title.toLowerCase().includes(wanted)));
  return [...starts, ...rest];
}
