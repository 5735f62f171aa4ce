/**
 * What anyone on the internet can do with Parley's public routes: start a chat
 * (and so hold a customer token) and upload files to it. For the attack tests.
 * @module
 */

/** A customer's chat and token, from `POST /v1/contacts`. */
export interface CustomerSession {
  chatId: string;
  token: string;
}

/** Starts a chat as a new customer. */
export async function startCustomer(url: string, nickname = "Mallory"): Promise<CustomerSession> {
  const response = await fetch(`${url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  if (response.status !== 200 && response.status !== 201) throw new Error(`starting a chat failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { contact: { id: string }; token: string };
  return { chatId: body.contact.id, token: body.token };
}

/** How an upload was answered: `code` is "stored" for a 201, else the error's code. */
export interface UploadAnswer {
  status: number;
  code: string;
  details?: Record<string, unknown>;
  /** The `Retry-After` header, when there was one. */
  retryAfter: string | null;
}

/** Uploads `bytes` to the customer's chat; `headers` adds e.g. an `X-Forwarded-For`. */
export async function uploadFile(
  url: string,
  customer: CustomerSession,
  bytes: Uint8Array,
  { messageType, fileName, headers = {} }: { messageType: "IMAGE" | "DOCUMENT"; fileName: string; headers?: Record<string, string> },
): Promise<UploadAnswer> {
  const query = new URLSearchParams({ messageType, fileName });
  const response = await fetch(`${url}/v1/contacts/${customer.chatId}/uploads?${query.toString()}`, {
    method: "POST",
    headers: { authorization: `Bearer ${customer.token}`, "content-type": "application/octet-stream", ...headers },
    body: new Uint8Array(bytes),
  });
  const retryAfter = response.headers.get("retry-after");
  if (response.status === 201) {
    await response.arrayBuffer();
    return { status: 201, code: "stored", retryAfter };
  }
  const body = (await response.json()) as { error: { code: string; details?: Record<string, unknown> } };
  return { status: response.status, code: body.error.code, ...(body.error.details ? { details: body.error.details } : {}), retryAfter };
}
