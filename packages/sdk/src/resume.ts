/**
 * Resume: what the SDK remembers per joined chat to hand every stored event
 * exactly once and in order across reconnects, and the re-join that asks the
 * server to replay what was missed. Every change of a chat's `lastSeq` happens
 * here.
 * @module
 */
import type { JoinFrame, JoinResult } from "@parley/protocol";
import { LiveChatError } from "./errors.js";
import type { RequestFn } from "./outbox.js";

/** What to do with a stored event, judged by its sequence number. */
export type SeqVerdict =
  /** The next one: hand it to the application (`lastSeq` has moved to it). */
  | "hand"
  /** Already handled (a replay or a duplicate): drop it. */
  | "seen"
  /** Beyond the next one: a gap, which a re-join with `afterSeq` closes. */
  | "gap";

/** The resume state of one joined chat. */
export class ResumePoint {
  private _lastSeq: number;
  private _isJoinedOnSocket = true;
  private _isResuming = false;

  /** @param lastSeq - The chat's `lastSeq` as the first join answered it. */
  constructor(lastSeq: number) {
    this._lastSeq = lastSeq;
  }

  /** Sequence number of the last event handed to the application (or skipped as the session's own). */
  get lastSeq(): number {
    return this._lastSeq;
  }

  /** Whether the chat is joined on the current socket (frames gated on it may go). */
  get isJoinedOnSocket(): boolean {
    return this._isJoinedOnSocket;
  }

  /** Whether a re-join is in flight. */
  get isResuming(): boolean {
    return this._isResuming;
  }

  /** Judges an arriving event and, for the next one, moves `lastSeq` to it. */
  accept(seq: number): SeqVerdict {
    if (seq <= this._lastSeq) return "seen";
    if (seq > this._lastSeq + 1) return "gap";
    this._lastSeq = seq;
    return "hand";
  }

  /** The socket dropped: the chat waits for its re-join. */
  socketDropped(): void {
    this._isJoinedOnSocket = false;
    this._isResuming = false;
  }

  /** A re-join went out. */
  resumeStarted(): void {
    this._isResuming = true;
  }

  /** The re-join was answered, after the replayed events. */
  resumed(lastSeq: number): void {
    this._isResuming = false;
    this._isJoinedOnSocket = true;
    // The reply's lastSeq covers replayed and skipped events; never go back.
    if (lastSeq > this._lastSeq) this._lastSeq = lastSeq;
  }

  /** The re-join failed. */
  resumeFailed(): void {
    this._isResuming = false;
  }
}

/** A chat that can be resumed: the contact instance, as the resumer sees it. */
export interface Resumable {
  readonly chatId: string;
  readonly resumePoint: ResumePoint;
  /** The nickname given at the first join, given again. */
  readonly nickname: string | undefined;
  readonly hasEnded: boolean;
  /** Whether the chat is monitored, not joined: it resumes as a monitor. */
  readonly isMonitor?: boolean;
  /** The re-join was answered: participants and the user as they are now. */
  resumed(result: JoinResult): void;
}

/** What the resumer needs from the session. */
export interface ResumeHost<C extends Resumable> {
  request: RequestFn;
  /** Whether `contact` is still the session's contact for its chat (not left or replaced meanwhile). */
  isCurrent(contact: C): boolean;
  /** The chat cannot be resumed (e.g. `FORBIDDEN`): the session lets go of it. */
  lost(contact: C, error: LiveChatError): void;
  /** Something may go out now (frames waiting for the re-join). */
  flush(): void;
}

/** Re-joins chats with `afterSeq`: the server replays what was missed, then answers. */
export class Resumer<C extends Resumable> {
  private readonly _host: ResumeHost<C>;

  constructor(host: ResumeHost<C>) {
    this._host = host;
  }

  /** Re-joins one chat, unless a re-join is in flight or it ended. */
  resume(contact: C, onResumed?: () => void): void {
    const point = contact.resumePoint;
    if (point.isResuming || contact.hasEnded) return;
    point.resumeStarted();
    const frame: Omit<JoinFrame, "rid"> = { t: "join", chatId: contact.chatId, afterSeq: point.lastSeq };
    if (contact.nickname !== undefined) frame.nickname = contact.nickname;
    if (contact.isMonitor === true) frame.monitor = true;
    // "drop": a re-join lost with its socket is issued again on the next welcome.
    this._host.request<void>(frame, { chatId: null, onDisconnect: "drop", timeout: false }, (result) => {
      if (!this._host.isCurrent(contact)) return;
      contact.resumed(result as JoinResult);
      onResumed?.();
      queueMicrotask(() => this._host.flush());
    }).then(
      () => undefined,
      (error: unknown) => {
        point.resumeFailed();
        if (!(error instanceof LiveChatError) || !this._host.isCurrent(contact)) return;
        if (error.code === "CONNECTION_CLOSED" || error.code === "LOGGED_OUT") return;
        this._host.lost(contact, error);
      },
    );
  }

  /**
   * Re-joins every chat not ended after a welcome; `onAllResumed` runs once
   * each has answered (at once when there is none).
   */
  resumeAll(contacts: Iterable<C>, onAllResumed: () => void): void {
    const resuming = [...contacts].filter((contact) => !contact.hasEnded);
    let waiting = resuming.length;
    if (waiting === 0) onAllResumed();
    for (const contact of resuming) {
      this.resume(contact, () => {
        if (--waiting === 0) onAllResumed();
      });
    }
  }
}
