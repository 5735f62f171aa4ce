/** A queue's pre-chat form over REST, for its admins (`/v1/queues/:name/form`). */
import type { PrechatForm, PrechatFormResponse } from "@parley/protocol";
import { bearer, call } from "./api.js";

const path = (queue: string) => `/v1/queues/${encodeURIComponent(queue)}/form`;

/** The queue's form as admins define it; null when it asks nothing. */
export async function fetchPrechatDefinition(token: string, queue: string): Promise<PrechatForm | null> {
  return (await call<PrechatFormResponse>(`${path(queue)}/definition`, { headers: bearer(token) })).form;
}

/** Sets (or, with null, removes) the queue's form; the form as stored. */
export async function savePrechatForm(token: string, queue: string, form: PrechatForm | null): Promise<PrechatForm | null> {
  const init = { method: "PUT", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify({ form }) };
  return (await call<PrechatFormResponse>(path(queue), init)).form;
}
