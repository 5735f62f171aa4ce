/**
 * What survives a reload or a new page of the same site: the chat id, the
 * customer's token and name, and the receipts already shown. Kept in the host
 * page's localStorage, one entry per Parley server and company (tenant): two
 * companies' widgets on one site never resume each other's chat.
 * @module
 */

export interface SavedChat {
  chatId: string;
  token: string;
  nickname: string;
  /** Receipts of the customer's messages, so ticks come back with the history. */
  receipts: Record<string, "received" | "seen">;
}

export class ChatStorage {
  private readonly key: string;

  /** `tenant`: the script's `data-tenant`; without one the key is the one older widgets wrote. */
  constructor(serverUrl: string, tenant: string | undefined) {
    this.key = tenant === undefined ? `parley:${serverUrl}` : `parley:${serverUrl}#${tenant}`;
  }

  load(): SavedChat | undefined {
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) ?? "null") as SavedChat | null;
      return saved && typeof saved.chatId === "string" && typeof saved.token === "string" ? { ...saved, receipts: saved.receipts ?? {} } : undefined;
    } catch {
      return undefined; // storage blocked (privacy mode) or damaged: start afresh
    }
  }

  save(chat: SavedChat): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(chat));
    } catch {
      // Storage full or blocked: the chat goes on, it just will not survive a reload.
    }
  }

  clear(): void {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // nothing to clear
    }
  }
}
