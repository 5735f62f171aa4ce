/**
 * Idempotent sends: a send repeated with the same client id returns the
 * message committed the first time, but only when it asks for that same
 * message; a client id reused for another message is refused. These are the
 * rules telling one from the other, checked only on the rare repeat, against
 * the original the store read anyway.
 * @module
 */
import type { LinkEvent, MessageEvent, MultimediaMessageEvent, NamedEvent, RichMessageEvent } from "@parley/protocol";

/**
 * Whether a repeated text or link send asks for the committed message: same
 * kind and same text or url. The sender's nickname, the time and the ids may differ.
 */
export function isSameMessage(repeat: NamedEvent<"message" | "link" | "richMessage">, original: NamedEvent): boolean {
  if (repeat.name === "message") return original.name === "message" && original.data.content.text === repeat.data.content.text;
  if (repeat.name === "richMessage") {
    // Rich content is compared whole, minus the sender (whose nickname may differ).
    const { user: _a, ...a } = repeat.data.content;
    if (original.name !== "richMessage" || original.data.messageType !== repeat.data.messageType) return false;
    const { user: _b, ...b } = original.data.content;
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return original.name === "link" && original.data.content.url === repeat.data.content.url;
}

/** Whether a repeated media send asks for the committed one: same kind, file and caption. */
export function isSameMedia(repeat: MultimediaMessageEvent, original: NamedEvent): boolean {
  if (original.name !== "multimediaMessage") return false;
  const [a, b] = [repeat.content, original.data.content];
  return (
    repeat.messageType === original.data.messageType &&
    a.documentType === b.documentType &&
    a.size === b.size &&
    a.fileName === b.fileName &&
    a.caption === b.caption
  );
}

/** A text, link or rich message as its event name with its payload. */
export function messageEvent(data: MessageEvent | LinkEvent | RichMessageEvent): NamedEvent<"message" | "link" | "richMessage"> {
  if (data.messageType === "TEXT") return { name: "message", data };
  if (data.messageType === "LINK") return { name: "link", data };
  return { name: "richMessage", data };
}
