/**
 * What the load generator needs of a chat system, so that Parley (through its
 * SDK) and the Socket.IO baseline run the very same workload.
 * @module
 */

/** Whether a message is a text or carries an image: their latencies are reported apart. */
export type MessageKind = "text" | "image";

/** What one participant's application sees in one chat. */
export interface ChatListener {
  /** A text or image message from the other participant (`text` is the text or the image's caption). */
  message(id: string, text: string, kind: MessageKind): void;
  /** The other participant started or stopped writing. */
  typing(): void;
  /** The other participant's delivery receipt for one of our messages. */
  received(): void;
  /** The other participant's read receipt for one of our messages. */
  seen(): void;
}

/** One participant's view of one chat. */
export interface ChatHandle {
  readonly chatId: string;
  /** Sends a text, or an image with `text` as its caption; resolves once the server acknowledged it. */
  send(text: string, image?: Uint8Array): Promise<void>;
  /** Started (`true`) or stopped (`false`) writing. */
  typing(bwrite: boolean): void;
  /** Read receipt for a message received. */
  markSeen(messageId: string): void;
}

/** One socket (one SDK session, one Socket.IO client). */
export interface Session {
  close(): Promise<void>;
}

/** A chat system driven by the load generator. */
export interface TargetAdapter {
  /** A customer starts a chat of their own on a new socket. */
  startCustomer(serverUrl: string, nickname: string, listener: ChatListener): Promise<{ session: Session; chat: ChatHandle }>;
  /** An agent logs in on one socket and joins several chats on it. */
  startAgent(
    serverUrl: string,
    token: string,
    chats: { chatId: string; listener: ChatListener }[],
  ): Promise<{ session: Session; chats: ChatHandle[] }>;
}
