/**
 * What erasure leaves of an event: the same name, seq, ids and times, with
 * every text a person wrote (message text, link, caption, file name) replaced
 * by {@link ERASED} and the customer's details (nickname, browser, page,
 * address) removed wherever the payload names the customer. The shape stays,
 * so counts, receipts and the log's order are unchanged.
 * @module
 */

/** What an erased text reads. */
export const ERASED = "[erased]";

/** The file name an erased file's message and row keep. */
export const ERASED_FILE_NAME = "erased";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The customer's details on a `User` object, besides the nickname. */
const CUSTOMER_DETAILS = ["userAgent", "firstUri", "firstTitle", "firstIP"] as const;

/** The event's data with personal content erased; `customerUserId` names the chat's customer. */
export function redactEventData(name: string, data: unknown, customerUserId: string): unknown {
  const copy = forgetCustomer(structuredClone(data) as Json, customerUserId);
  if (copy === null || typeof copy !== "object" || Array.isArray(copy)) return copy;
  const changes = copy.changes;
  if (name === "callDataChanged" && changes !== null && typeof changes === "object" && !Array.isArray(changes)) {
    // Call data may name the customer (an email, an account): the keys stay, the values go.
    for (const key of Object.keys(changes)) if (typeof changes[key] === "string") changes[key] = ERASED;
    return copy;
  }
  const content = copy.content;
  if (content === null || typeof content !== "object" || Array.isArray(content)) return copy;
  switch (name) {
    case "message":
      content.text = ERASED;
      break;
    case "link":
      content.url = ERASED;
      break;
    case "multimediaMessage":
      content.caption = content.caption === "" ? "" : ERASED;
      content.fileName = ERASED_FILE_NAME;
      // The file's bytes, when the event carried them inline, and its preview.
      delete content.img;
      delete content.document;
      delete content.thumbnail;
      content.inline = false;
      break;
  }
  return copy;
}

/** Every object that is the customer (its `id`) loses its nickname and details. */
function forgetCustomer(value: Json, customerUserId: string): Json {
  if (Array.isArray(value)) return value.map((item) => forgetCustomer(item, customerUserId));
  if (value === null || typeof value !== "object") return value;
  for (const [key, inner] of Object.entries(value)) value[key] = forgetCustomer(inner, customerUserId);
  if (value.id === customerUserId) {
    if (typeof value.nickname === "string") value.nickname = ERASED;
    for (const key of CUSTOMER_DETAILS) if (key in value) value[key] = null;
  }
  return value;
}
