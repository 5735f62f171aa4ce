/**
 * Who is writing in which chat. Typing is volatile: nothing is stored. This
 * tracker turns a stream of `typing` frames into transitions, and reports a
 * writer as stopped when it goes silent for `timeoutMs` or its socket closes,
 * because a client that crashed never sends "stopped".
 * @module
 */
import type { UserRef } from "@parley/protocol";

interface Writer {
  tenant: string;
  chatId: string;
  user: UserRef;
  sessionId: string;
  timer: NodeJS.Timeout;
}

export type TypingEmit = (tenant: string, chatId: string, user: UserRef, bwrite: boolean) => void;

export class TypingTracker {
  /** Key: tenant + " " + chatId + " " + userId. */
  private readonly writers = new Map<string, Writer>();

  constructor(
    private readonly timeoutMs: number,
    private readonly emit: TypingEmit,
  ) {}

  /** Records a typing frame; emits only on a change of state. */
  update(tenant: string, chatId: string, user: UserRef, bwrite: boolean, sessionId: string): void {
    const key = `${tenant} ${chatId} ${user.id}`;
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
      const timer = setTimeout(() => this.stop(key), this.timeoutMs);
      timer.unref();
      this.writers.set(key, { tenant, chatId, user, sessionId, timer });
      this.emit(tenant, chatId, user, true);
    } else if (writer !== undefined) {
      this.stop(key);
    } else {
      // Not known as writing here (e.g. after a restart): pass "stopped" on anyway, it is harmless.
      this.emit(tenant, chatId, user, false);
    }
  }

  /** A socket closed: everyone it was writing for has stopped. */
  sessionClosed(sessionId: string): void {
    for (const [key, writer] of this.writers) {
      if (writer.sessionId === sessionId) this.stop(key);
    }
  }

  /** Forgets a user's typing in a chat without emitting (after they sent the message, left, or the chat ended). */
  clearChat(tenant: string, chatId: string): void {
    for (const [key, writer] of this.writers) {
      if (key.startsWith(`${tenant} ${chatId} `)) {
        clearTimeout(writer.timer);
        this.writers.delete(key);
      }
    }
  }

  close(): void {
    for (const writer of this.writers.values()) clearTimeout(writer.timer);
    this.writers.clear();
  }

  private stop(key: string): void {
    const writer = this.writers.get(key);
    if (writer === undefined) return;
    clearTimeout(writer.timer);
    this.writers.delete(key);
    this.emit(writer.tenant, writer.chatId, writer.user, false);
  }
}
