/**
 * The contact host: the chats joined in a session, the one place contact
 * instances get what they need from it (requests, limits, identity, media
 * transports), and the dispatch of each chat's frames to its contact.
 * @module
 */
import type { ClientFrame, EventFrame, JoinResult, Limits, QueuePositionFrame, SignalFrame } from "@parley/protocol";
import { backoff } from "./backoff.js";
import { Contact, type ContactHost } from "./contact.js";
import { LiveChatError } from "./errors.js";
import type { HttpTransports } from "./media/transfer.js";
import type { FrameWithoutRid, OutboxPump, RequestOptions } from "./outbox.js";
import { Resumer } from "./resume.js";
import type { Runtime, Session } from "./session.js";
import type { ErrorContext } from "./types.js";
import { checkNicknameCharacters } from "./validate.js";

/** What the joined contacts need. */
export interface JoinedContactsDeps {
  runtime: Runtime;
  session: Session;
  outbox: OutboxPump;
  /** Tells the application about an error nobody waits for (the `error` event). */
  reportError(context: ErrorContext): void;
}

/** Codes of requests the SDK made on its own that are not worth an `error` event: the application caused them. */
const EXPECTED_FAILURES: ReadonlySet<string> = new Set(["LOGGED_OUT", "NOT_JOINED", "CONNECTION_CLOSED"]);

/** The chats joined in a session, by id. */
export class JoinedContacts implements ContactHost {
  private readonly _contacts = new Map<string, Contact>();
  private readonly _joining = new Map<string, Promise<Contact>>();
  private readonly _resumer: Resumer<Contact>;

  private readonly _deps: JoinedContactsDeps;

  constructor(deps: JoinedContactsDeps) {
    this._deps = deps;
    this._resumer = new Resumer<Contact>({
      request: deps.outbox.request,
      isCurrent: (contact) => this._contacts.get(contact.chatId) === contact,
      lost: (contact, error) => {
        // The chat cannot be resumed (e.g. FORBIDDEN): what waits for it never will go out.
        this._forget(contact, error);
        this.reportError(error, { chatId: contact.chatId });
      },
      flush: () => deps.outbox.flush(),
    });
  }

  // --- ContactHost: what each contact gets from its session -------------------

  get userId(): string {
    return this._deps.session.identity?.userId ?? "";
  }

  get limits(): Limits {
    return this._deps.session.limits;
  }

  get token(): string {
    return this._deps.session.token;
  }

  get http(): HttpTransports {
    const { runtime } = this._deps;
    return {
      get fetch() {
        return runtime.fetch();
      },
      get XMLHttpRequest() {
        return runtime.XMLHttpRequest();
      },
    };
  }

  serverUrls(): string[] {
    return this._deps.session.serverUrlsByPreference();
  }

  whenConnected(): Promise<void> {
    return this._deps.session.whenConnected();
  }

  retryDelay(attempt: number): number {
    const { runtime } = this._deps;
    return backoff(attempt, runtime.minReconnectDelayMs, runtime.maxReconnectDelayMs, runtime.random);
  }

  now(): number {
    return this._deps.runtime.now();
  }

  request<T>(frame: FrameWithoutRid, options: RequestOptions, transform?: (result: unknown) => T): Promise<T> {
    return this._deps.outbox.request(frame, options, transform);
  }

  writeVolatile(frame: ClientFrame): boolean {
    return this._deps.session.write(frame);
  }

  resume(contact: Contact): void {
    this._resumer.resume(contact);
  }

  ended(contact: Contact): void {
    // Sends already written get the server's own answer (one committed just before the end resolves).
    this._deps.outbox.failQueued(contact.chatId, new LiveChatError("CONTACT_ENDED"), (entry) => entry.frame.t === "send" && !entry.sent);
  }

  isJoined(chatId: string): boolean {
    return this._contacts.has(chatId);
  }

  reportError(error: LiveChatError, about: { chatId?: string | undefined; request?: FrameWithoutRid | undefined }): void {
    if (EXPECTED_FAILURES.has(error.code)) return;
    const context: ErrorContext = { code: error.code, message: error.message, source: "request" };
    if (error.details !== undefined) context.details = error.details;
    if (about.chatId !== undefined) context.chatId = about.chatId;
    if (about.request !== undefined) context.request = about.request;
    this._deps.reportError(context);
  }

  // --- the session's side --------------------------------------------------------

  /** The contact of a joined chat. */
  get(chatId: string): Contact | undefined {
    return this._contacts.get(chatId);
  }

  /** Whether a chat is joined on the current socket: the outbox gates its frames on this. */
  isJoinedOnSocket(chatId: string): boolean {
    return this._contacts.get(chatId)?.isJoinedOnSocket === true;
  }

  /** Joins a chat (the same instance when joined or being joined already). */
  join(chatId: string, nickname: string | undefined): Promise<Contact> {
    const existing = this._contacts.get(chatId);
    if (existing) return Promise.resolve(existing);
    const joining = this._joining.get(chatId);
    if (joining) return joining;
    const frame: FrameWithoutRid = { t: "join", chatId };
    if (typeof nickname === "string") {
      const badNickname = checkNicknameCharacters(nickname, this._deps.session.limits);
      if (badNickname) return Promise.reject(badNickname);
      frame.nickname = nickname;
    }
    // The contact is created synchronously with the reply, so the live events right behind it find it.
    const promise = this._deps.outbox
      .request<Contact>(frame, { chatId: null, onDisconnect: "resend", timeout: true }, (result) => {
        this._joining.delete(chatId);
        const contact = new Contact(this, result as JoinResult, nickname);
        this._contacts.set(chatId, contact);
        queueMicrotask(() => this._deps.outbox.flush());
        return contact;
      })
      .catch((error: unknown) => {
        if (this._joining.get(chatId) === promise) this._joining.delete(chatId);
        throw error;
      });
    this._joining.set(chatId, promise);
    return promise;
  }

  /** The contact left the session (`leave`): it stops receiving; what it queued rejects with `NOT_JOINED`. */
  left(contact: Contact): void {
    this._forget(contact, new LiveChatError("NOT_JOINED"));
  }

  /** Hands a stored event or a signal to its chat's contact. */
  dispatch(frame: EventFrame | SignalFrame): void {
    const contact = this._contacts.get(frame.chatId);
    if (frame.t === "event") contact?.receiveEvent(frame);
    else contact?.receiveSignal(frame);
  }

  /** Hands a waiting chat's place in its queue to that chat's contact (a chat not joined here ignores it). */
  queuePosition(frame: QueuePositionFrame): void {
    this._contacts.get(frame.chatId)?.receiveQueuePosition(frame);
  }

  /** A socket was welcomed: every chat is re-joined from its last sequence number; `onAllResumed` once all answered. */
  resumeAll(onAllResumed: () => void): void {
    this._resumer.resumeAll(this._contacts.values(), onAllResumed);
  }

  /** The socket dropped: frames of every chat wait for its re-join; ended chats will not be re-joined. */
  socketDropped(): void {
    for (const contact of this._contacts.values()) contact.socketDropped();
  }

  /** Fails what still waits for an ended chat: it is not re-joined, so it would never go out. */
  failEnded(): void {
    for (const contact of this._contacts.values()) {
      if (contact.hasEnded) this._deps.outbox.failQueued(contact.chatId, new LiveChatError("CONTACT_ENDED"));
    }
  }

  /** The session ended: every contact stops receiving. */
  detachAll(error: LiveChatError): void {
    for (const contact of this._contacts.values()) contact.detach(error);
    this._contacts.clear();
    this._joining.clear();
  }

  private _forget(contact: Contact, error: LiveChatError): void {
    if (this._contacts.get(contact.chatId) === contact) this._contacts.delete(contact.chatId);
    contact.detach(error);
    this._deps.outbox.failQueued(contact.chatId, error);
  }
}
