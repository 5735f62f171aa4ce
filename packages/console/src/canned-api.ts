/**
 * Canned responses over REST (`/v1/canned-responses`), and the one list the
 * console keeps of them: loaded once per login, read by every composer's `/`
 * picker, and reloaded after the agent changes one in the management views.
 */
import type { CannedListResponse, CannedResponse, CreateCannedBody, UpdateCannedBody } from "@parley/protocol";
import { bearer, call } from "./api.js";

const PATH = "/v1/canned-responses";
const json = (token: string, method: string, body?: unknown): RequestInit => ({
  method,
  headers: { ...bearer(token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

export async function listCanned(token: string): Promise<CannedResponse[]> {
  return (await call<CannedListResponse>(PATH, { headers: bearer(token) })).cannedResponses;
}

export async function createCanned(token: string, body: CreateCannedBody): Promise<CannedResponse> {
  return (await call<{ cannedResponse: CannedResponse }>(PATH, json(token, "POST", body))).cannedResponse;
}

export async function updateCanned(token: string, id: string, change: UpdateCannedBody): Promise<CannedResponse> {
  return (await call<{ cannedResponse: CannedResponse }>(`${PATH}/${encodeURIComponent(id)}`, json(token, "PATCH", change))).cannedResponse;
}

export async function deleteCanned(token: string, id: string): Promise<void> {
  await call<unknown>(`${PATH}/${encodeURIComponent(id)}`, json(token, "DELETE"));
}

type Listener = (list: readonly CannedResponse[]) => void;

/** The agent's canned responses (shared and own), kept for the picker. */
class CannedList {
  private token: string | undefined;
  private list: readonly CannedResponse[] = [];
  private loading: Promise<void> | undefined;
  private readonly listeners = new Set<Listener>();

  /** The list as last loaded (empty until then). */
  get current(): readonly CannedResponse[] {
    return this.list;
  }

  /** Loads the list for this login unless it already is (or is being) loaded. */
  ensure(token: string): Promise<void> {
    if (this.token === token && this.loading !== undefined) return this.loading;
    return this.reload(token);
  }

  /** Loads the list again (after a change); a failure keeps the old list. */
  reload(token: string): Promise<void> {
    if (this.token !== token) this.list = [];
    this.token = token;
    this.loading = listCanned(token)
      .then((list) => {
        if (this.token !== token) return;
        this.list = list;
        for (const listener of this.listeners) listener(list);
      })
      .catch(() => {
        // Offline or refused: the picker shows what it had; the next change or login tries again.
        this.loading = undefined;
      });
    return this.loading;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The console's one list. */
export const cannedList = new CannedList();
