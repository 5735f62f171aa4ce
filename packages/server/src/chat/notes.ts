/**
 * Internal notes: stored in their own table, and delivered to the agent
 * sockets that joined or monitor the chat — never through the chat's event
 * log, so no customer socket, history page, transcript or export can carry
 * one. This node delivers its own notes at once; other nodes hear of them on
 * one bus channel and deliver them to their agent sockets in the chat.
 * @module
 */
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, NOTES_REPLAYED, USER_ID_PATTERN, type InternalNote, type NoteFrame } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus } from "../bus/types.js";
import type { Store } from "../store/types.js";
import { TENANT_NAME } from "../store/tenant-db.js";

/** The bus channel of every tenant's notes (notes are rare next to messages: one channel is enough). */
export const NOTES_CHANNEL = "chat-notes";

/** Where notes are written: the agent sockets of this node in the chat. */
export interface NoteDelivery {
  onNote(tenant: string, chatId: string, frame: string): void;
}

const UserRef = Type.Object({ id: Type.String({ pattern: USER_ID_PATTERN }), nickname: Type.String(), isAgent: Type.Boolean() });
const NoteMessage = Type.Object({
  tenant: Type.String({ pattern: TENANT_NAME.source }),
  note: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 64 }),
    chatId: Type.String({ pattern: CHAT_ID_PATTERN }),
    kind: Type.Union([Type.Literal("note"), Type.Literal("whisper"), Type.Literal("transfer")]),
    text: Type.String(),
    author: UserRef,
    ts: Type.String({ minLength: 1 }),
    transfer: Type.Optional(
      Type.Union([Type.Object({ agentId: Type.String({ pattern: USER_ID_PATTERN }), nickname: Type.String() }), Type.Object({ queue: Type.String() })]),
    ),
  }),
});
const CHECK = TypeCompiler.Compile(NoteMessage);

export interface ChatNotesOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
  delivery: NoteDelivery;
}

export class ChatNotes {
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ChatNotesOptions) {
    this.unsubscribe = options.bus.subscribe(NOTES_CHANNEL, (message, fromNode) => {
      if (fromNode === options.bus.nodeId) return;
      if (!CHECK.Check(message)) {
        options.logger.warn({ fromNode }, "dropped a malformed note message");
        return;
      }
      this.deliver(message.tenant, message.note as InternalNote);
    });
  }

  /** Stores a note, then hands it to every agent socket in the chat, on every node. */
  async add(tenant: string, note: InternalNote): Promise<InternalNote> {
    await this.options.store.tenant(tenant).addNote(note);
    this.deliver(tenant, note);
    // A lost message leaves the note in the store: the next join or resume replays it.
    this.options.bus.publish(NOTES_CHANNEL, { tenant, note }).catch((error: unknown) => this.options.logger.warn({ err: error }, "note publish failed"));
    return note;
  }

  /** The chat's newest notes, oldest first, as a join or a resume replays them. */
  list(tenant: string, chatId: string): Promise<InternalNote[]> {
    return this.options.store.tenant(tenant).notesOf(chatId, NOTES_REPLAYED);
  }

  close(): void {
    this.unsubscribe();
  }

  private deliver(tenant: string, note: InternalNote): void {
    const frame: NoteFrame = { t: "note", chatId: note.chatId, note };
    this.options.delivery.onNote(tenant, note.chatId, JSON.stringify(frame));
  }
}
