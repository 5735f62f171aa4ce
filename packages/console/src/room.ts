/**
 * One open chat of the console: its timeline (messages, joins, leaves, the
 * end), ticks of the agent's own messages, the customer's typing and the
 * unread count, kept from the SDK contact's events.
 */
import type { Contact, HistoryMessage, InternalNote, MenuContent, MenuOption, MenuResponseContent, MultimediaMessageEvent, RichMessageEvent, User, UserRef } from "@parley/sdk";
import { loadChatRecord, saveChatRecord, type ChatRecord, type CustomerDetails } from "./chat-record.js";
import { withRole } from "./roles.js";

/** Where one of the agent's messages stands: `sending` until the server committed it, `failed` when refused. */
export type Tick = "sending" | "sent" | "received" | "seen" | "failed";

export interface MediaBody {
  type: "media";
  messageType: "IMAGE" | "DOCUMENT";
  fileName: string;
  documentType: string;
  mimeType: string;
  size: number;
  caption: string;
  /** A displayable URL of the image's preview once known (data: or blob:). */
  previewUrl?: string;
  /** Set by `multimediaMessageStored`: the thumbnail can be fetched now. */
  isStored?: boolean;
  /** Why the file's processing failed, when it did. */
  failure?: string;
}

/** A menu or quick reply, shown read-only: its prompt and options. */
export interface MenuBody {
  type: "menu";
  messageType: "MENU" | "QUICK_REPLY";
  text: string;
  options: MenuOption[];
}

/** The customer's answer to a menu or quick reply. */
export interface MenuAnswerBody {
  type: "menuAnswer";
  messageType: "MENU_RESPONSE" | "QUICK_REPLY_RESPONSE";
  menuId: string;
  option: MenuOption;
}

export type MessageBody = { type: "text"; text: string } | { type: "link"; url: string } | MediaBody | MenuBody | MenuAnswerBody;

/** The body of a rich message, live or from the history. */
export function richBody(message: Pick<RichMessageEvent, "messageType" | "content">): MenuBody | MenuAnswerBody {
  if (message.messageType === "MENU" || message.messageType === "QUICK_REPLY") {
    const content = message.content as MenuContent;
    return { type: "menu", messageType: message.messageType, text: content.text, options: content.options };
  }
  const content = message.content as MenuResponseContent;
  return { type: "menuAnswer", messageType: message.messageType, menuId: content.menuId, option: content.option };
}

export type TimelineItem =
  | { kind: "message"; id: string; author: UserRef; isMine: boolean; ts: string; body: MessageBody; tick?: Tick }
  | { kind: "notice"; id: string; ts: string; text: string }
  /** An internal note, whisper or transfer note: agents only, never the customer. */
  | { kind: "note"; id: string; ts: string; note: InternalNote };

export class Room {
  readonly items: TimelineItem[] = [];
  unread = 0;
  /** The others writing now, named with their roles. */
  readonly typing = new Set<string>();
  hasEnded: boolean;
  /** Messages from others not yet marked seen. */
  private readonly unseen = new Set<string>();
  /** Joins, leaves, the end and ticks, kept for the read-only view and the transcript. */
  private readonly record: ChatRecord;
  private pendingCount = 0;

  constructor(
    readonly contact: Contact,
    private readonly changed: () => void,
    private readonly announce: (text: string) => void,
  ) {
    this.hasEnded = contact.hasEnded;
    const me = contact.user.id;
    this.record = loadChatRecord(this.id) ?? { customer: null, events: [], ticks: {} };
    const customer = contact.participants.find((p) => !p.isAgent);
    if (customer !== undefined) this.record.customer = customerDetails(customer);
    // Who is in the chat joined before this agent saw it: their joins come from the participants.
    for (const user of contact.participants) this.remember(user.beginTime, `${withRole(user)} joined the chat`);
    this.saveRecord();
    for (const entry of contact.history.messages) {
      const item = fromHistory(entry.data, me, this.record.ticks[entry.data.id] ?? "sent");
      this.items.push(item);
      // What the customer wrote before the agent came is seen once the agent looks at the chat.
      if (item.kind === "message" && !item.isMine) this.unseen.add(item.id);
    }
    // Notes take their place among the messages by time: a transfer note is read where the handover happened.
    for (const note of contact.notes) this.items.push({ kind: "note", id: note.id, ts: note.ts, note });
    this.items.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    this.listen();
  }

  get id(): string {
    return this.contact.contact.id;
  }

  /** Whether this chat is monitored (a supervisor's view the customer does not know of), not joined. */
  get isMonitor(): boolean {
    return this.contact.isMonitor;
  }

  /** Adds a note (the agent's own, once stored; or one that arrived). */
  addNote(note: InternalNote): void {
    if (this.items.some((item) => item.id === note.id)) return;
    this.add({ kind: "note", id: note.id, ts: note.ts, note });
    this.changed();
  }

  get customerNickname(): string {
    return this.contact.participants.find((p) => !p.isAgent)?.nickname ?? "Customer";
  }

  /** The agent has the chat in view: everything from others is seen. */
  markAllSeen(): void {
    this.unread = 0;
    // A monitoring supervisor is not in the chat: the customer gets no read receipt from them.
    if (this.isMonitor) return;
    for (const id of this.unseen) this.contact.markSeen(id).catch(() => undefined);
    this.unseen.clear();
  }

  /** Adds the agent's own message once the server committed it. */
  addOwn(id: string, body: MessageBody): void {
    if (this.items.some((item) => item.id === id)) return;
    this.add(this.own(id, body, "sent"));
    this.setTick(id, "sent");
    this.changed();
  }

  /**
   * Shows the agent's message at once, as `sending`, while the SDK holds it
   * (offline, or waiting for the server); returns its local id for `confirm`.
   */
  addPending(body: MessageBody): string {
    this.pendingCount += 1;
    const localId = `pending-${this.pendingCount}`;
    this.items.push(this.own(localId, body, "sending"));
    this.changed();
    return localId;
  }

  /**
   * The server committed a pending message. It moves behind everything
   * committed before it — what arrived meanwhile, e.g. replayed after a
   * reconnect — and before the still pending ones: the timeline keeps the
   * stored order.
   */
  confirm(localId: string, id: string): void {
    const index = this.items.findIndex((item) => item.id === localId);
    const item = this.items[index];
    if (item?.kind !== "message") return;
    this.items.splice(index, 1);
    item.id = id;
    item.tick = "sent";
    item.ts = new Date().toISOString();
    this.add(item);
    this.setTick(id, "sent");
    this.changed();
  }

  /** The server refused a pending message: it stays, marked not sent. */
  fail(localId: string): void {
    const item = this.items.find((entry) => entry.id === localId);
    if (item?.kind !== "message") return;
    item.tick = "failed";
    this.changed();
  }

  setPreview(messageId: string, url: string): void {
    const item = this.items.find((entry) => entry.id === messageId);
    if (item?.kind === "message" && item.body.type === "media") {
      item.body.previewUrl = url;
      this.changed();
    }
  }

  private own(id: string, body: MessageBody, tick: Tick): TimelineItem {
    const user = this.contact.user;
    return { kind: "message", id, author: { id: user.id, nickname: user.nickname, isAgent: true }, isMine: true, ts: new Date().toISOString(), body, tick };
  }

  /** Adds a committed item: after the others committed, before the agent's pending messages. */
  private add(item: TimelineItem): void {
    const firstPending = this.items.findIndex((entry) => entry.kind === "message" && entry.tick === "sending");
    if (firstPending === -1) this.items.push(item);
    else this.items.splice(firstPending, 0, item);
  }

  private setTick(id: string, tick: Tick): void {
    this.record.ticks[id] = tick;
    this.saveRecord();
  }

  /** Remembers a join, leave or end once (a resume may replay it). */
  private remember(ts: string, text: string): void {
    if (this.record.events.some((event) => event.ts === ts && event.text === text)) return;
    this.record.events.push({ ts, text });
  }

  private saveRecord(): void {
    saveChatRecord(this.id, this.record);
  }

  private incoming(id: string, author: UserRef, ts: string, body: MessageBody, isVisible: boolean): void {
    this.add({ kind: "message", id, author, isMine: false, ts, body });
    this.unseen.add(id);
    if (!isVisible) this.unread += 1;
    this.typing.delete(withRole(author));
    const what =
      body.type === "text"
        ? body.text
        : body.type === "link"
          ? body.url
          : body.type === "menu"
            ? `${body.text} (${body.options.map((option) => option.text).join(", ")})`
            : body.type === "menuAnswer"
              ? `chose ${body.option.text}`
              : `${body.messageType === "IMAGE" ? "an image" : "a document"}, ${body.fileName}`;
    this.announce(`${withRole(author)}: ${what}`);
    if (!this.isMonitor) this.onIncoming?.(withRole(author), what);
  }

  /** Told of each message from someone else (the desk's notifications). */
  onIncoming: ((from: string, what: string) => void) | undefined;

  /** What the conversation opens next: the composer in note mode, or the transfer dialog (the supervisor's view asks). */
  pendingAction: "whisper" | "transfer" | "takeOver" | "end" | undefined;

  startWhisper(): void {
    this.pendingAction = "whisper";
    this.changed();
  }

  startTransfer(): void {
    this.pendingAction = "transfer";
    this.changed();
  }

  /** Asks the conversation to confirm ending the chat (the keyboard shortcut). */
  startEnd(): void {
    this.pendingAction = "end";
    this.changed();
  }

  startTakeOver(): void {
    this.pendingAction = "takeOver";
    this.changed();
  }

  /** Set by the desk: whether this room is the one on screen (so its messages count as seen). */
  isVisible: () => boolean = () => false;

  private listen(): void {
    const c = this.contact;
    c.on("message", (e) => this.afterIncoming(() => this.incoming(e.id, e.content.user, e.ts, { type: "text", text: e.content.text }, this.isVisible())));
    c.on("link", (e) => this.afterIncoming(() => this.incoming(e.id, e.content.user, e.ts, { type: "link", url: e.content.url }, this.isVisible())));
    c.on("richMessage", (e) => this.afterIncoming(() => this.incoming(e.id, e.content.user, e.ts, richBody(e), this.isVisible())));
    c.on("multimediaMessage", (e: MultimediaMessageEvent) =>
      this.afterIncoming(() => {
        const body = mediaBody(e.messageType, e.content);
        const inline = e.content.img;
        if (e.messageType === "IMAGE" && typeof inline === "string") body.previewUrl = `data:${e.content.mimeType};base64,${inline}`;
        this.incoming(e.id, e.content.user, e.ts, body, this.isVisible());
      }),
    );
    c.on("multimediaMessageStored", (e) => {
      const item = this.items.find((entry) => entry.id === e.messageID);
      if (item?.kind !== "message" || item.body.type !== "media") return;
      if (e.error) item.body.failure = `${e.error.message} (${String(e.error.details?.reason ?? e.error.code)})`;
      else item.body.isStored = true;
      this.changed();
    });
    const tick = (messageId: string, value: Tick) => {
      const item = this.items.find((entry) => entry.id === messageId);
      if (item?.kind !== "message" || !item.isMine) return;
      // Seen implies received: a late "received" never takes a tick back.
      if (item.tick === "seen" && value === "received") return;
      item.tick = value;
      this.setTick(messageId, value);
      this.changed();
    };
    c.on("messageReceived", (e) => tick(e.messageID, "received"));
    c.on("messageSeen", (e) => tick(e.messageID, "seen"));
    c.on("isWriting", (e) => {
      if (e.bwrite) this.typing.add(withRole(e.user));
      else this.typing.delete(withRole(e.user));
      this.changed();
    });
    c.on("userAdded", (e) => this.notice(e.ts, `${withRole(e.user)} joined the chat`));
    // The contact keeps its call data current; the Details list only needs a redraw.
    c.on("callDataChanged", () => this.changed());
    c.on("note", (note) => {
      this.addNote(note);
      this.announce(`${note.kind === "whisper" ? "Whisper" : "Internal note"} from ${note.author.nickname}: ${note.text}`);
    });
    c.on("contactTransferred", (e) =>
      this.notice(e.ts, e.to === "queue" ? `${withRole(e.user)} sent the chat back to the ${e.queue ?? ""} queue` : `${withRole(e.user)} transferred the chat`),
    );
    c.on("userLeft", (e) => {
      this.typing.delete(withRole(e.user));
      this.notice(e.ts, `${withRole(e.user)} left the chat`);
    });
    c.on("queueNotice", (e) => this.notice(e.ts, `The customer was told (waiting limit of queue ${e.queue}): ${e.text}`));
    c.on("contactEnded", (e) => {
      this.hasEnded = true;
      this.typing.clear();
      this.notice(e.ts, e.user === null ? "The chat was ended by the server." : `${withRole(e.user)} ended the chat.`);
    });
  }

  private afterIncoming(add: () => void): void {
    add();
    if (this.isVisible()) this.markAllSeen();
    this.changed();
  }

  private notice(ts: string, text: string): void {
    this.add({ kind: "notice", id: `notice-${this.items.length}-${ts}`, ts, text });
    this.remember(ts, text);
    this.saveRecord();
    this.announce(text);
    this.changed();
  }
}

function mediaBody(messageType: "IMAGE" | "DOCUMENT", content: { fileName: string; documentType: string; mimeType: string; size: number; caption: string }): MediaBody {
  return {
    type: "media",
    messageType,
    fileName: content.fileName,
    documentType: content.documentType,
    mimeType: content.mimeType,
    size: content.size,
    caption: content.caption,
  };
}

function customerDetails(user: User): CustomerDetails {
  // The server does not give agents the customer's e-mail yet; a participant that carries one shows it.
  const email = (user as User & { email?: unknown }).email;
  return { nickname: user.nickname, email: typeof email === "string" && email !== "" ? email : null, pageUri: user.firstUri, pageTitle: user.firstTitle, browser: user.userAgent };
}

/** A history entry as a timeline item, with the tick of an own message when it is known. */
export function fromHistory(message: HistoryMessage, me: string, tick?: Tick): TimelineItem {
  const content = message.content as { text?: string; url?: string; user: UserRef } & Partial<MediaBody>;
  const isMine = content.user.id === me;
  let body: MessageBody;
  if (message.messageType === "TEXT") body = { type: "text", text: content.text ?? "" };
  else if (message.messageType === "LINK") body = { type: "link", url: content.url ?? "" };
  else if (message.messageType !== "IMAGE" && message.messageType !== "DOCUMENT") body = richBody(message as Pick<RichMessageEvent, "messageType" | "content">);
  else body = mediaBody(message.messageType, content as MediaBody);
  const item: TimelineItem = { kind: "message", id: message.id, author: content.user, isMine, ts: message.ts, body };
  if (isMine && tick !== undefined) item.tick = tick;
  return item;
}
