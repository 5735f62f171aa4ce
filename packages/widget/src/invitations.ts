/**
 * Proactive invitations on the customer's page: the site's rules (`GET
 * /v1/invitations`) are judged here, on each page of a visit. The first rule
 * that applies to the page — its pattern matches the path, the visit has seen
 * enough pages — opens the panel with its message once the visitor has been
 * on the page long enough; at most once per visit (the tab's
 * sessionStorage), never while a chat runs or the panel is open, and only
 * while the queue is available. A chunk of its own, fetched after the first
 * view. The host element's `data-invitation` tells what was decided:
 * `pending`, `shown`, or `skipped:<why>`.
 * @module
 */
import type { InvitationRule } from "@parley/protocol";
import type { WidgetConfig } from "./config.js";
import { fetchAvailability } from "./front-door.js";
import type { HostPage } from "./host-page.js";
import type { ChatSession } from "./session.js";

/** The visit as this tab's sessionStorage keeps it, per server and company. */
interface Visit {
  pages: number;
  invited: boolean;
}

export interface InvitationDeps {
  config: WidgetConfig;
  session: ChatSession;
  page: HostPage;
  /** The widget's host element, where `data-invitation` is set. */
  element: HTMLElement;
}

/**
 * Whether a page's path (with its query) matches a rule's pattern: `""`
 * matches every page; without `*` the pattern is a prefix; with `*`, the
 * whole path must match, each `*` standing for any characters. Linear in the
 * path's length: no regular expression is built from an admin's text.
 */
export function matchesPage(pattern: string, path: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return path.startsWith(pattern);
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!path.startsWith(first)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = path.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return path.length - last.length >= at && path.endsWith(last);
}

function visitKey(config: WidgetConfig): string {
  return `parley-visit:${config.serverUrl}#${config.tenant ?? ""}`;
}

function readVisit(key: string): Visit {
  try {
    const visit = JSON.parse(sessionStorage.getItem(key) ?? "null") as Visit | null;
    return visit !== null && typeof visit.pages === "number" ? { pages: visit.pages, invited: visit.invited === true } : { pages: 0, invited: false };
  } catch {
    return { pages: 0, invited: false };
  }
}

function saveVisit(key: string, visit: Visit): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(visit));
  } catch {
    // Storage blocked (privacy mode): every page is the visit's first, and nobody is invited twice on it.
  }
}

async function fetchRules(config: WidgetConfig): Promise<InvitationRule[]> {
  const query = config.tenant === undefined ? "" : `?tenant=${encodeURIComponent(config.tenant)}`;
  const response = await fetch(`${config.serverUrl}/v1/invitations${query}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return ((await response.json()) as { rules: InvitationRule[] }).rules;
}

/** Resolves once the chat of an earlier page is brought back or found gone (the phase is no longer `restoring`). */
function settled(session: ChatSession): Promise<void> {
  return new Promise((resolve) => {
    if (session.state.phase !== "restoring") return resolve();
    const stop = session.subscribe(() => {
      if (session.state.phase === "restoring") return;
      stop();
      resolve();
    });
  });
}

/** Counts this page in the visit, then invites when a rule says so (see the module's comment). */
export async function watchInvitations({ config, session, page, element }: InvitationDeps): Promise<void> {
  const mark = (state: string) => (element.dataset.invitation = state);
  const key = visitKey(config);
  const visit = readVisit(key);
  visit.pages += 1;
  saveVisit(key, visit);
  if (visit.invited) return void mark("skipped:already");
  const rules = await fetchRules(config).catch(() => null);
  if (rules === null) return void mark("skipped:unreachable");
  const path = location.pathname + location.search;
  const rule = rules.find((candidate) => visit.pages >= candidate.minPages && matchesPage(candidate.urlPattern, path));
  if (rule === undefined) return void mark("skipped:no-rule");
  mark("pending");
  // Time on the page counts from its navigation, not from when the widget loaded.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, rule.secondsOnPage * 1000 - performance.now())));
  await settled(session);
  const reason = (): string | undefined => (readVisit(key).invited ? "already" : session.state.phase !== "start" ? "chat" : page.isShown ? "open" : undefined);
  if (reason() !== undefined) return void mark(`skipped:${reason()}`);
  const availability = await fetchAvailability(config).catch(() => null);
  if (availability?.open !== true) return void mark("skipped:closed");
  // The customer may have opened the panel or started a chat meanwhile.
  const late = reason();
  if (late !== undefined) return void mark(`skipped:${late}`);
  saveVisit(key, { ...readVisit(key), invited: true });
  page.invite(rule.message, rule.id);
  mark("shown");
}
