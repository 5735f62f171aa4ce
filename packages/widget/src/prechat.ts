/** `GET /v1/queues/:name/form`: the queue's pre-chat form, null when it asks nothing. @module */
import type { PublicPrechatForm } from "@parley/protocol";
import type { WidgetConfig } from "./config.js";

export async function fetchPrechatForm(config: WidgetConfig): Promise<PublicPrechatForm | null> {
  const query = config.tenant === undefined ? "" : `?tenant=${encodeURIComponent(config.tenant)}`;
  const response = await fetch(`${config.serverUrl}/v1/queues/${encodeURIComponent(config.queue ?? "default")}/form${query}`);
  if (!response.ok) throw new Error(`HTTP_${response.status}`);
  return ((await response.json()) as { form: PublicPrechatForm | null }).form;
}
