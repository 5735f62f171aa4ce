/** The agent's login, kept across reloads in localStorage until it expires or the agent logs out. */
import type { LoginResponse } from "@parley/protocol";
import { forgetChatRecords } from "./chat-record.js";

const KEY = "parley.console.login";

export type AgentLogin = LoginResponse;

export function loadLogin(): AgentLogin | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return undefined;
    const login = JSON.parse(raw) as AgentLogin;
    // An expired token would only be refused by the server: forget it now.
    if (typeof login.token !== "string" || Date.parse(login.expiresAt) <= Date.now()) {
      localStorage.removeItem(KEY);
      return undefined;
    }
    return login;
  } catch {
    return undefined;
  }
}

export function saveLogin(login: AgentLogin): void {
  localStorage.setItem(KEY, JSON.stringify(login));
}

export function forgetLogin(): void {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(OPEN_CHATS_KEY);
  // What this browser remembered of the agent's chats goes with the login.
  forgetChatRecords();
}

const OPEN_CHATS_KEY = "parley.console.openChats";

/** The chats open in this tab, rejoined after a reload. */
export function loadOpenChats(): string[] {
  try {
    const value = JSON.parse(sessionStorage.getItem(OPEN_CHATS_KEY) ?? "[]") as unknown;
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

export function saveOpenChats(ids: string[]): void {
  sessionStorage.setItem(OPEN_CHATS_KEY, JSON.stringify(ids));
}
