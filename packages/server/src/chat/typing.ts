/**
 * Who is writing in which chat. Typing is volatile: nothing is stored. This
 * tracker turns a stream of `typing` frames into transitions, and reports a
 * writer as stopped when it goes silent for `timeoutMs` or its socket closes,
 * because a client that crashed never sends "stopped".
 * @module
 */
import type { UserRef } from "@parley/protocol";

interface Writer {
  user: UserRef;
  sessionId: string;
  timer: NodeJS.Timeout;
}

export type TypingEmit = (chatId: string, user: UserRef, bwrite: boolean) => void;

export class TypingTracker {
  /** Key: chatId + " " + userId. */
  private readonly writers = new Map<string, Writer>();

  constructor(
    private readonly timeoutMs: number,
    private readonly emit: TypingEmit,
  ) {}

  /** Records a typing frame; emits only on a change of state. */
  update(chatId: string, user: UserRef, bwrite: boolean, sessionId: string): void {
    const key = `${chatId} ${user.id}`;
    const writer = this.writers.get(key);
    if (bwrite) {
      if (writer !== undefined) {
        // Still writing: push the silence deadline back on the same timer
        // rather than allocating a new one for every frame.
        writer.user = user;
        writer.sessionId = sessionId;
        writer.timer.refresh();
        return;
      }
      const timer = setTimeout(() => this.stop(key, chatId), this.timeoutMs);
      timer.unref();
      this.writers.set(key, { user, sessionId, timer });
      this.emit(chatId, user, true);
    } else if (writer !== undefined) {
      this.stop(key, chatId);
    } else {
      // Not known as writing here (e.g. after a restart): pass "stopped" on anyway, it is harmless.
      this.emit(chatId, user, false);
    }
  }

  /** A socket closed: everyone it was writing for has stopped. */
  sessionClosed(sessionId: string): void {
    for (const [key, writer] of this.writers) {
      if (writer.sessionId === sessionId) this.stop(key, key.slice(0, key.indexOf(" ")));
    }
  }

  /** Forgets a user's typing in a chat without emitting (after they sent the message, left, or the chat ended). */
  clearChat(chatId: string): void {
    for (const [key, writer] of this.writers) {
      if (key.startsWith(`${chatId} `)) {
        clearTimeout(writer.timer);
        this.writers.delete(key);
      }
    }
  }

  close(): void {
    for (const writer of this.writers.values()) clearTimeout(writer.timer);
    this.writers.clear();
  }

  private stop(key: string, chatId: string): void {
    const writer = this.writers.get(key);
    if (writer === undefined) return;
    clearTimeout(writer.timer);
    this.writers.delete(key);
    this.emit(chatId, writer.user, false);
  }
}
