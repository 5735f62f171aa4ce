/**
 * The admin page's tabs beyond its own (agents, API keys): other parts of the
 * console — queues, webhooks — register theirs here, or pass them to
 * `AdminView` directly. A tab that nobody registered is not shown.
 */
import type { ComponentChild } from "preact";

/** One tab of the admin page. */
export interface AdminTab {
  /** Stable id, used in element ids: lowercase letters and dashes (`queues`, `webhooks`). */
  id: string;
  /** The tab's name on screen. */
  label: string;
  /** The panel's content; `token` is the admin's. */
  render: (token: string) => ComponentChild;
}

/** Where known tabs go, in this order; others follow in the order registered. */
export const ADMIN_TAB_ORDER: readonly string[] = ["agents", "api-keys", "queues", "prechat", "webhooks", "invitations"];

const registered: AdminTab[] = [];

/** Adds a tab to every admin page opened from now on; a second tab of the same id replaces the first. */
export function registerAdminTab(tab: AdminTab): void {
  const at = registered.findIndex((known) => known.id === tab.id);
  if (at >= 0) registered.splice(at, 1, tab);
  else registered.push(tab);
}

/** The registered tabs. */
export function registeredAdminTabs(): readonly AdminTab[] {
  return registered;
}

/** Tabs in their order: the known ids first, as in {@link ADMIN_TAB_ORDER}. */
export function orderTabs(tabs: readonly AdminTab[]): AdminTab[] {
  const rank = (tab: AdminTab) => {
    const at = ADMIN_TAB_ORDER.indexOf(tab.id);
    return at < 0 ? ADMIN_TAB_ORDER.length : at;
  };
  return tabs.map((tab, index) => ({ tab, index })).sort((a, b) => rank(a.tab) - rank(b.tab) || a.index - b.index).map(({ tab }) => tab);
}
