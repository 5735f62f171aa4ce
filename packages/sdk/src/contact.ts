import type {
  CallData,
  CallDataChanges,
  CallDataResult,
  ClientFrame,
  ContactInfo,
  EventFrame,
  HistoryEntry,
  InternalNote,
  JoinResult,
  Limits,
  MediaFormat,
  MediaMessageType,
  MediaResult,
  MenuOption,
  MultimediaMessageEvent,
  OfferMessageType,
  QueuePositionFrame,
  ResponseMessageType,
  SendMediaFrame,
  SendNoteResult,
  SendResult,
  SignalFrame,
  TransferResult,
  StoredEventName,
  User,
} from "@parley/protocol";
import { Emitter, type Listener } from "./emitter.js";
import { LiveChatError } from "./errors.js";
import { multimediaResult } from "./media/download.js";
import { readMediaContent, type MediaPayload } from "./media/input.js";
import { upload, type MediaHost } from "./media/upload.js";
import { newClientId } from "./client-id.js";
import type { FrameWithoutRid, RequestOptions } from "./outbox.js";
import { ResumePoint, type Resumable } from "./resume.js";
import { TypingThrottle } from "./typing.js";
import type {
  ContactEvents,
  MultimediaMessageContent,
  MultimediaMessageResult,
  SendMultimediaOptions,
} from "./types.js";
import { checkCallData, checkMenu, checkText, checkUrl } from "./validate.js";

/** What a contact needs from its session (media uploads and downloads included). Internal. */
export interface ContactHost extends MediaHost {
  /** The session's own user id (`welcome.identity.userId`). */
  readonly userId: string;
  /** The limits announced by the server. */
  readonly limits: Limits;
  /** Clock for typing throttling. */
  now(): number;
  /** Queues a request in the outbox and resolves with its result (passed through `transform`, run synchronously). */
  request<T>(frame: FrameWithoutRid, options: RequestOptions, transform?: (result: unknown) => T): Promise<T>;
  /** Writes a frame now if connected (typing, delivery receipts); never queued. */
  writeVolatile(frame: ClientFrame): boolean;
  /** Re-joins the chat with `afterSeq` to close a gap in the sequence. */
  resume(contact: Contact): void;
  /** The chat ended: fail its queued sends. */
  ended(contact: Contact): void;
  /** Whether a chat is joined in this session. */
  isJoined(chatId: string): boolean;
  /** The contact left the session by a transfer: it stops receiving, like after `leave`. */
  released(contact: Contact): void;
  /** A request the SDK made on its own failed: the application hears of it through the `error` event. */
  reportError(error: LiveChatError, about: { chatId?: string; request?: FrameWithoutRid }): void;
}

/** Events whose author is read from `user` (or `content.user`) and that are not handed back to their author. */
const OWN_SUPPRESSED: ReadonlySet<StoredEventName | "isWriting"> = new Set([
  "message",
  "link",
  "multimediaMessage",
  "richMessage",
  "messageReceived",
  "messageSeen",
  "userAdded",
  "userLeft",
  "isWriting",
]);

/** Events that get an automatic `received` receipt when they come from someone else. */
function isReceipted(frame: EventFrame): frame is EventFrame<"message" | "link" | "multimediaMessage" | "richMessage"> {
  return frame.name === "message" || frame.name === "link" || frame.name === "multimediaMessage" || frame.name === "richMessage";
}

/** Who an event is from: `content.user` (messages) or `user` (receipts, joins, typing); none for the others. */
function authorOf(data: ContactEvents[keyof ContactEvents]): string | undefined {
  // Optional chaining all the same: a frame from a newer server may lack what this SDK expects.
  const id = "content" in data ? data.content?.user?.id : "user" in data ? data.user?.id : undefined;
  return typeof id === "string" ? id : undefined;
}

/**
 * A joined chat, as `joinContact` and `startContact` give it. Register
 * callbacks with `on(name, cb)`; every stored event is handed exactly once, in
 * order, across reconnects. Your own messages, receipts, typing and joins are
 * not handed back to you; `contactEnded` always is.
 */
export class Contact implements Resumable {
  /** The chat: `contact.contact.id` is the chat id (`CHAT_<uuid>`). */
  contact: ContactInfo;
  /** You, as a participant of this chat. */
  user: User;
  /** Everyone in the chat, you included; kept up to date by `userAdded` / `userLeft`. */
  participants: User[];
  /** The newest page of messages (oldest first) as the first join gave it. */
  history: { messages: HistoryEntry[]; hasMore: boolean };
  /**
   * Agents: the chat's call data, as the join gave it and kept up to date by
   * `callDataChanged` events. Customers: always `{}` (call data is the contact
   * center's).
   */
  callData: CallData;
  /**
   * Agents only: the chat's internal notes, oldest first (notes, whispers and
   * transfer notes), kept up to date; each new one is also a `note` event.
   * Empty for customers, who never receive a note.
   */
  notes: InternalNote[];
  /**
   * True for a chat monitored by a supervisor (`LIVECHAT.monitor`): read-only,
   * unseen by the customer; `sendNote` writes whispers. False once joined or taken over.
   */
  isMonitor: boolean;

  private readonly _host: ContactHost;
  private readonly _nickname: string | undefined;
  private readonly _events = new Emitter<ContactEvents>();
  private readonly _typing: TypingThrottle;
  private readonly _resumePoint: ResumePoint;
  /** Set when the contact no longer belongs to a live session (left, logged out). */
  private _detachedWith: LiveChatError | null = null;
  /** Uploads in flight: aborted when the contact can no longer send. */
  private readonly _uploads = new Set<AbortController>();

  /** @internal Created by the session from a join result. */
  constructor(host: ContactHost, result: JoinResult, nickname: string | undefined) {
    this._host = host;
    this._nickname = nickname;
    this.contact = { ...result.contact };
    this.user = result.user;
    this.participants = [...result.participants];
    this._resumePoint = new ResumePoint(result.lastSeq);
    this.history = result.history;
    this.callData = { ...(result.callData ?? {}) };
    this.notes = [...(result.notes ?? [])];
    this.isMonitor = result.monitor === true;
    this._typing = new TypingThrottle(
      (bwrite) => this._host.writeVolatile({ t: "typing", chatId: this.contact.id, bwrite }),
      () => this._host.now(),
    );
  }

  /** Sequence number of the last event handed to the application (or skipped as your own). */
  get lastSeq(): number {
    return this._resumePoint.lastSeq;
  }

  /** Whether the chat has ended (a `contactEnded` event was received). */
  get hasEnded(): boolean {
    return this.contact.status === "ended";
  }

  /** Registers a callback for an event; see `ContactEventMap` for each payload. */
  on<K extends keyof ContactEvents>(name: K, callback: Listener<ContactEvents, K>): this {
    this._events.on(name, callback);
    return this;
  }

  /** Removes a callback (or all callbacks of `name`). */
  off<K extends keyof ContactEvents>(name: K, callback?: Listener<ContactEvents, K>): this {
    this._events.off(name, callback);
    return this;
  }

  /**
   * Sends a text message. Resolves with the message id (`MSG_<uuid>`) once the
   * server committed it; survives reconnects (re-sent with the same client id).
   * Rejects with `TEXT_EMPTY`, `TEXT_TOO_LONG`, `FRAME_TOO_LARGE`, `CONTACT_ENDED`,
   * `NOT_JOINED`, `LOGGED_OUT`, … — never `RATE_LIMITED` nor `STORE_UNAVAILABLE`,
   * which keep the send in the outbox until the server takes it.
   */
  sendMessage(text: string): Promise<string> {
    const refused = this._refusal() ?? checkText(text, this._host.limits);
    if (refused) return Promise.reject(refused);
    return this._send({ t: "send", chatId: this.contact.id, clientId: newClientId(), kind: "text", text });
  }

  /** Sends a link (absolute http or https URL). Resolves with the message id; rejects like `sendMessage`, or `INVALID_URL`. */
  SendLink(url: string): Promise<string> {
    const refused = this._refusal() ?? checkUrl(url, this._host.limits);
    if (refused) return Promise.reject(refused);
    return this._send({ t: "send", chatId: this.contact.id, clientId: newClientId(), kind: "link", url });
  }

  /**
   * Agents and bots: offers a menu (`MENU`): up to 10 options
   * `{ id, text, command?, targetUrl?, params? }` shown as buttons under an
   * optional prompt. Resolves with the message id; the customer's choice comes
   * as a `richMessage` event with `messageType` `MENU_RESPONSE`. Rejects like
   * `sendMessage`, or with `MENU_INVALID`, `INVALID_URL` (a `targetUrl` not
   * http(s)), `ROLE_FORBIDDEN` (a customer).
   */
  sendMenu(options: MenuOption[], text?: string): Promise<string> {
    return this._offer("MENU", options, text);
  }

  /** Agents and bots: offers quick replies (`QUICK_REPLY`); the same rules and answer as {@link Contact.sendMenu}. */
  sendQuickReply(options: MenuOption[], text?: string): Promise<string> {
    return this._offer("QUICK_REPLY", options, text);
  }

  /**
   * Customers: answers the menu `menuId` of this chat with one of its option
   * ids (`MENU_RESPONSE`). Resolves with the answer's message id. Rejects like
   * `sendMessage`, or with `MENU_NOT_FOUND`, `MENU_OPTION_NOT_FOUND`,
   * `ROLE_FORBIDDEN` (an agent).
   */
  answerMenu(menuId: string, optionId: string): Promise<string> {
    return this._answer("MENU_RESPONSE", menuId, optionId);
  }

  /** Customers: answers the quick reply `menuId` (`QUICK_REPLY_RESPONSE`); see {@link Contact.answerMenu}. */
  answerQuickReply(menuId: string, optionId: string): Promise<string> {
    return this._answer("QUICK_REPLY_RESPONSE", menuId, optionId);
  }

  /**
   * Sends an image (`type` `"IMAGE"`, file in `content.img`: PNG or JPEG) or a
   * document (`"DOCUMENT"`, file in `content.document`: PDF, DOC, DOCX, PPT,
   * PPTX, XLS, XLSX). The file is Base64 text (a `data:` URL too), a `Blob` or
   * `File`, a `Uint8Array` or an `ArrayBuffer`. Files up to
   * `limits.maxInlineMediaBytes` (256 KiB) ride inline in the send frame; larger
   * ones are uploaded over HTTP first (retried with backoff), then sent by their
   * upload id. Either way the send is idempotent and survives reconnects, like
   * `sendMessage`. Resolves with the message as the others receive it, without
   * the Base64 (`id` among it).
   *
   * Rejects with `MEDIA_EMPTY`, `MEDIA_INVALID_BASE64`, `MEDIA_TOO_LARGE`,
   * `CAPTION_TOO_LONG`, `FILE_NAME_INVALID` (checked before anything is sent),
   * the server's verdict on the bytes (`MEDIA_TYPE_NOT_ALLOWED`, `MEDIA_TYPE_MISMATCH`,
   * `MEDIA_CORRUPT`, `IMAGE_TOO_MANY_PIXELS`, …), `UPLOAD_FAILED`, or like `sendMessage`.
   */
  SendMultimediaMessage(
    type: MediaMessageType,
    content: MultimediaMessageContent,
    options: SendMultimediaOptions = {},
  ): Promise<MultimediaMessageEvent> {
    const media = this._refusal() ?? readMediaContent(type, content, this._host.limits);
    if (media instanceof LiveChatError) return Promise.reject(media);
    const progress = (sentBytes: number) => {
      try {
        options.onProgress?.(sentBytes, media.size);
      } catch {
        // The application's progress display must not break the send.
      }
    };
    const { maxInlineMediaBytes, maxFrameBytes } = this._host.limits;
    // Inline only what also fits a frame once in Base64 (with room for the envelope); the rest is uploaded.
    const fitsFrame = Math.ceil(media.size / 3) * 4 + 4096 <= maxFrameBytes;
    if (media.size > maxInlineMediaBytes || !fitsFrame) {
      return this._upload(media, progress).then((uploadId) => this._sendMedia(media, { uploadId }));
    }
    const data = media.base64();
    progress(0);
    // Base64 text and bytes are queued at once, so the send keeps its place among later sends.
    const sending =
      typeof data === "string"
        ? this._sendMedia(media, { data })
        : data.then((text) => this._sendMedia(media, { data: text }));
    return sending.then((message) => {
      progress(media.size);
      return message;
    });
  }

  /**
   * Fetches a multimedia message of a chat joined in this session (this one or
   * another): `format` `"fullsize"` (default) or `"thumbnail"` (images) resolve
   * with the file as Base64 in `data.content.img` / `data.content.document`;
   * `"link"` resolves with `data.content.url`, an absolute URL that downloads the
   * file without a token until `data.content.expiresAt`. Rejects with
   * `NOT_JOINED`, `MESSAGE_NOT_FOUND`, `MEDIA_FORMAT_UNAVAILABLE`, `FORBIDDEN`,
   * `NOT_A_PARTICIPANT`, `MEDIA_LINK_INVALID`, `REQUEST_TIMEOUT`, …
   */
  GetMultimediaMessageInActiveChat(
    chatId: string,
    messageId: string,
    format: MediaFormat = "fullsize",
  ): Promise<MultimediaMessageResult> {
    if (this._detachedWith) return Promise.reject(new LiveChatError(this._detachedWith.code));
    if (!this._host.isJoined(chatId)) return Promise.reject(new LiveChatError("NOT_JOINED", undefined, { chatId }));
    return this._host
      .request<MediaResult>({ t: "media", chatId, messageId, format }, { chatId, onDisconnect: "resend", timeout: true })
      .then((result) => multimediaResult(this._host, result));
  }

  /**
   * Agents only: writes an internal note into the chat. Only agents in the
   * chat and supervisors monitoring it receive it (`note` event; not you: it
   * is added to `contact.notes`); the customer never does. In a monitored chat the note is a whisper to its agent.
   * Resolves with the stored note. Rejects with `TEXT_EMPTY`, `TEXT_TOO_LONG`,
   * `CONTACT_ENDED`, `NOT_A_PARTICIPANT`, `FORBIDDEN` (a customer),
   * `ROLE_FORBIDDEN`, `RATE_LIMITED`, …
   *
   * @example
   * ```ts
   * await contact.sendNote("VIP customer: offer the upgrade");
   * ```
   */
  sendNote(text: string): Promise<InternalNote> {
    const refused = this._refusal() ?? checkText(text, this._host.limits);
    if (refused) return Promise.reject(refused);
    return this._host
      .request<SendNoteResult>({ t: "note", chatId: this.contact.id, text }, { chatId: this.contact.id, onDisconnect: "fail", timeout: true })
      .then((result) => {
        this.receiveNote(result.note);
        return result.note;
      });
  }

  /**
   * Agents: hands the chat to another agent (`agentId`) or back to a queue
   * (`queue`), with a note the next agent reads first. The customer sees a
   * `contactTransferred` event (without the note). You leave the chat: this
   * contact stops receiving, as after `leave`. A supervisor's monitored
   * contact reassigns the chat and goes on monitoring it. Sent to a queue,
   * the chat waits there (in its first wait's place in line) and that
   * queue's routing takes it: an `auto` queue offers it to its next member.
   * Rejects with `TRANSFER_INVALID`, `AGENT_NOT_FOUND`, `QUEUE_NOT_FOUND`,
   * `AGENT_CAPACITY_FULL`, `NOT_A_PARTICIPANT`, `CONTACT_ENDED`,
   * `TEXT_TOO_LONG`, …
   *
   * @example
   * ```ts
   * await contact.transfer({ agentId: "USER_…", note: "Wants a refund, order 1234" });
   * await contact.transfer({ queue: "billing" });
   * ```
   */
  async transfer(target: { agentId: string; note?: string } | { queue: string; note?: string }): Promise<TransferResult> {
    const refused = this._refusal();
    if (refused) throw refused;
    const frame: FrameWithoutRid = { t: "transfer", chatId: this.contact.id };
    if ("agentId" in target && typeof target.agentId === "string") frame.agentId = target.agentId;
    if ("queue" in target && typeof target.queue === "string") frame.queue = target.queue;
    if (typeof target.note === "string" && target.note !== "") frame.note = target.note;
    const result = await this._host.request<TransferResult>(frame, { chatId: this.contact.id, onDisconnect: "fail", timeout: true });
    this.receiveNote(result.note);
    if (!this.isMonitor) this._host.released(this);
    return result;
  }

  /**
   * Supervisors and admins: takes the chat over — you join it (when not in it
   * yet) and every other agent in it leaves; the note is stored as a transfer
   * note. A monitored contact becomes an ordinary joined one. Rejects with
   * `ROLE_FORBIDDEN`, `AGENT_CAPACITY_FULL`, `CONTACT_ENDED`, …
   */
  async takeOver(note?: string): Promise<TransferResult> {
    const refused = this._refusal();
    if (refused) throw refused;
    const frame: FrameWithoutRid = { t: "takeOver", chatId: this.contact.id };
    if (typeof note === "string" && note !== "") frame.note = note;
    const result = await this._host.request<TransferResult>(frame, { chatId: this.contact.id, onDisconnect: "fail", timeout: true });
    this.isMonitor = false;
    this.receiveNote(result.note);
    return result;
  }

  /**
   * Tells the others that you started (`true`) or stopped (`false`) writing.
   * Throttled to one `true` per 3 s; never queued while offline; a no-op once ended.
   */
  isWriting(bwrite: boolean): void {
    if (this._refusal() || this.isMonitor) return;
    this._typing.set(bwrite === true);
  }

  /**
   * Agents only: changes the chat's call data. Each key given is set to its
   * string value, or removed with `null`; keys not named keep their value.
   * Resolves with the call data after the change (and the seq of the stored
   * `callDataChanged` event, or null when nothing changed); every agent in the
   * chat gets `callDataChanged`. Rejects with `CALL_DATA_INVALID`,
   * `CALL_DATA_TOO_LARGE` (checked here first, then against the whole call
   * data by the server), `FORBIDDEN` (customers), `CONTACT_ENDED`, `NOT_JOINED`, …
   */
  setCallData(changes: CallDataChanges): Promise<CallDataResult> {
    const refused = this._refusal() ?? checkCallData(changes);
    if (refused) return Promise.reject(refused);
    return this._host
      .request<CallDataResult>({ t: "setCallData", chatId: this.contact.id, changes }, { chatId: this.contact.id, onDisconnect: "resend", timeout: true })
      .then((result) => {
        this.callData = { ...result.callData };
        return result;
      });
  }

  /** Marks a message as seen (read); the author gets `messageSeen`. Resolves once recorded. */
  markSeen(messageId: string): Promise<void> {
    const refused = this._detachedWith ? new LiveChatError(this._detachedWith.code) : null;
    if (refused) return Promise.reject(refused);
    return this._host
      .request<unknown>(
        { t: "receipt", chatId: this.contact.id, messageId, kind: "seen" },
        { chatId: this.contact.id, onDisconnect: "resend", timeout: true },
      )
      .then(() => undefined);
  }

  /** @internal The chat id (`contact.contact.id`). */
  get chatId(): string {
    return this.contact.id;
  }

  /** @internal Where this chat resumes from after a reconnect. */
  get resumePoint(): ResumePoint {
    return this._resumePoint;
  }

  /** @internal Whether frames gated on this chat may be written on the current socket. */
  get isJoinedOnSocket(): boolean {
    return this._resumePoint.isJoinedOnSocket && this._detachedWith === null;
  }

  /** @internal The nickname given at join, re-used when re-joining. */
  get nickname(): string | undefined {
    return this._nickname;
  }

  /** @internal A stored event arrived for this chat. */
  receiveEvent(frame: EventFrame): void {
    if (this._detachedWith || typeof frame.seq !== "number") return;
    const verdict = this._resumePoint.accept(frame.seq);
    if (verdict === "seen") return; // replayed or duplicated: already handled
    if (verdict === "gap") {
      // Ask for a replay from lastSeq rather than hand events out of order.
      this._host.resume(this);
      return;
    }
    const author = authorOf(frame.data);
    const isOwn = author !== undefined && author === this._host.userId;
    this._apply(frame);
    if (isOwn && OWN_SUPPRESSED.has(frame.name)) return;
    this._events.emit(frame.name, frame.data);
    // A monitoring supervisor is not in the chat: the customer gets no receipt from them.
    if (isReceipted(frame) && !isOwn && !this.isMonitor) {
      const messageId = frame.data.id;
      if (typeof messageId === "string") {
        // Queued like a request (idempotent on the server) so that a drop right after the
        // event cannot lose it: the author's `messageReceived` depends on it.
        const receipt: FrameWithoutRid = { t: "receipt", chatId: this.contact.id, messageId, kind: "received" };
        this._host
          .request<unknown>(receipt, { chatId: this.contact.id, onDisconnect: "resend", timeout: false })
          .catch((error: unknown) => {
            if (error instanceof LiveChatError) this._host.reportError(error, { chatId: this.contact.id, request: receipt });
          });
      }
    }
  }

  /** @internal An internal note arrived (live, or replayed by a resume): handed once per id. */
  receiveNote(note: InternalNote): void {
    if (this._detachedWith || this.notes.some((known) => known.id === note.id)) return;
    this.notes.push(note);
    // Like messages, your own notes are not handed back to you: the promise that wrote one resolves with it.
    if (note.author.id !== this._host.userId) this._events.emit("note", note);
  }

  /** @internal A volatile signal (typing) arrived for this chat. */
  receiveSignal(frame: SignalFrame): void {
    if (this._detachedWith || frame.name !== "isWriting") return;
    if (authorOf(frame.data) === this._host.userId) return;
    this._events.emit("isWriting", frame.data);
  }

  /**
   * @internal The server told this waiting chat its place in the queue: emitted as `queuePosition`
   * with the frame's payload only (queue, position, etaSeconds), never the routing fields.
   */
  receiveQueuePosition(frame: QueuePositionFrame): void {
    if (this._detachedWith) return;
    this._events.emit("queuePosition", { queue: frame.queue, position: frame.position, etaSeconds: frame.etaSeconds });
  }

  /** @internal The re-join was answered; replayed events have been handled. */
  resumed(result: JoinResult): void {
    this.participants = [...result.participants];
    this.user = result.user;
    this._resumePoint.resumed(result.lastSeq);
    for (const note of result.notes ?? []) this.receiveNote(note);
  }

  /** @internal The socket dropped: frames for this chat wait for the re-join. */
  socketDropped(): void {
    this._resumePoint.socketDropped();
    this._typing.reset();
  }

  /** @internal The contact left the session (leave, logout, session closed): it stops receiving. */
  detach(error: LiveChatError): void {
    this._detachedWith = error;
    this._typing.reset();
    this._abortUploads(error);
  }

  private _apply(frame: EventFrame): void {
    switch (frame.name) {
      case "userAdded": {
        const user = frame.data.user;
        this.participants = [...this.participants.filter((p) => p.id !== user.id), user];
        break;
      }
      case "userLeft": {
        const id = frame.data.user.id;
        this.participants = this.participants.filter((p) => p.id !== id);
        break;
      }
      case "callDataChanged": {
        const next = { ...this.callData };
        for (const [key, value] of Object.entries(frame.data.changes ?? {})) {
          if (value === null) delete next[key];
          else next[key] = value;
        }
        this.callData = next;
        break;
      }
      case "contactEnded": {
        const ts = frame.data.ts;
        this.contact = { ...this.contact, status: "ended", endedAt: ts ?? new Date().toISOString() };
        this._typing.reset();
        this._host.ended(this);
        this._abortUploads(new LiveChatError("CONTACT_ENDED"));
        break;
      }
      default:
        break;
    }
  }

  private _refusal(): LiveChatError | null {
    if (this._detachedWith) return new LiveChatError(this._detachedWith.code);
    if (this.hasEnded) return new LiveChatError("CONTACT_ENDED");
    return null;
  }

  /** Uploads a file too large to ride inline; resolves with its upload id. */
  private async _upload(media: MediaPayload, progress: (sentBytes: number) => void): Promise<string> {
    const controller = new AbortController();
    this._uploads.add(controller);
    try {
      const uploaded = await upload(this._host, {
        chatId: this.contact.id,
        messageType: media.messageType,
        fileName: media.fileName,
        body: media.body(),
        size: media.size,
        onProgress: progress,
        signal: controller.signal,
      });
      return uploaded.uploadId;
    } finally {
      this._uploads.delete(controller);
    }
  }

  private _abortUploads(reason: LiveChatError): void {
    for (const controller of this._uploads) controller.abort(new LiveChatError(reason.code, reason.message, reason.details));
    this._uploads.clear();
  }

  /** Queues the media send frame, the file given inline (`data`) or by `uploadId`. */
  private _sendMedia(media: MediaPayload, file: { data: string } | { uploadId: string }): Promise<MultimediaMessageEvent> {
    // Checked again: the chat may have ended or been left while the file was read or uploaded.
    const refused = this._refusal();
    if (refused) return Promise.reject(refused);
    const frame: Omit<SendMediaFrame, "rid"> = {
      t: "send",
      chatId: this.contact.id,
      clientId: newClientId(),
      kind: "media",
      messageType: media.messageType,
      ...file,
    };
    if (media.caption !== undefined) frame.caption = media.caption;
    if (media.fileName !== undefined) frame.fileName = media.fileName;
    if (media.documentType !== undefined) frame.documentType = media.documentType;
    return this._host.request(frame, { chatId: this.contact.id, onDisconnect: "resend", timeout: false }, (result) => {
      const message = (result as SendResult).message;
      if (!message) throw new LiveChatError("INTERNAL_ERROR", "The server answered a media send without the message.");
      return message;
    });
  }

  private _offer(messageType: OfferMessageType, options: MenuOption[], text: string | undefined): Promise<string> {
    const offer = text === undefined ? { options } : { text, options };
    const refused = this._refusal() ?? checkMenu(offer, this._host.limits);
    if (refused) return Promise.reject(refused);
    return this._send({ t: "send", chatId: this.contact.id, clientId: newClientId(), kind: "menu", messageType, ...offer });
  }

  private _answer(messageType: ResponseMessageType, menuId: string, optionId: string): Promise<string> {
    const refused = this._refusal();
    if (refused) return Promise.reject(refused);
    return this._send({ t: "send", chatId: this.contact.id, clientId: newClientId(), kind: "menuResponse", messageType, menuId, optionId });
  }

  private _send(frame: FrameWithoutRid): Promise<string> {
    return this._host
      .request<SendResult>(frame, { chatId: this.contact.id, onDisconnect: "resend", timeout: false })
      .then((result) => result.id);
  }
}
