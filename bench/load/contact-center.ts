/**
 * The contact-center workload: customers each in a chat of their own, agents
 * serving several chats on one socket. Every participant sends at a set rate,
 * with typing started before and stopped after each message; recipients'
 * receipts are sent automatically (delivery) and by the application (read).
 * @module
 */
import { DeliveryLedger } from "../lib/delivery-ledger.js";
import { LatencyRecorder, type LatencySummary } from "../lib/stats.js";
import type { ChatHandle, ChatListener, MessageKind, Session, TargetAdapter } from "./adapter.js";
import type { SoakStart, SoakStop, SoakStopped, SoakWindowResult, StepCommand, StepResult, WorkloadSetup } from "./messages.js";

/** The text of a bench message: the sender's number in this chat and the send time. */
export function encodeMessage(n: number, sentAt: number): string {
  return `bench ${n} ${sentAt.toFixed(3)}`;
}

export function decodeMessage(text: string): { n: number; sentAt: number } | undefined {
  const match = /^bench (\d+) ([\d.]+)$/.exec(text);
  return match === null ? undefined : { n: Number(match[1]), sentAt: Number(match[2]) };
}

/** One participant sending in one chat. */
interface Sender {
  chat: ChatHandle;
  /** Stream key of what this sender sends (as the recipient's ledger counts it). */
  stream: string;
  count: number;
  nextAt: number;
}

/** What the sends of a step or of a soak window came to. */
interface SendCounters {
  offered: number;
  sent: number;
  acknowledged: number;
  sendErrors: number;
}

const SCHEDULER_TICK_MS = 5;

/** Latencies from send to the recipient's callback: every message, and texts and images apart. */
class MessageLatencies {
  readonly all = new LatencyRecorder();
  readonly text = new LatencyRecorder();
  readonly image = new LatencyRecorder();
  /** Send → the server's acknowledgment (the commit). */
  readonly ack = new LatencyRecorder();

  record(kind: MessageKind, ms: number): void {
    this.all.record(ms);
    (kind === "image" ? this.image : this.text).record(ms);
  }

  /** The summaries so far, then a fresh start. */
  take(): { latency: LatencySummary; textLatency: LatencySummary; imageLatency: LatencySummary; ackLatency: LatencySummary } {
    const taken = { latency: this.all.summary(), textLatency: this.text.summary(), imageLatency: this.image.summary(), ackLatency: this.ack.summary() };
    for (const recorder of [this.all, this.text, this.image, this.ack]) recorder.reset();
    return taken;
  }
}

/** A soak under way: sending until stopped, read window by window. */
interface Soak {
  stop(): void;
  /** Resolves when the last send went out. */
  done: Promise<void>;
  counters: SendCounters;
  windowStartedAt: number;
  eventsAtWindowStart: number;
}

export class ContactCenter {
  private readonly sessions: Session[] = [];
  private readonly senders: Sender[] = [];
  private readonly ledger = new DeliveryLedger();
  private readonly latencies = new MessageLatencies();
  private events = 0;
  private pending = 0;
  private lastEventAt = 0;
  private readonly image: Uint8Array;
  private soak: Soak | undefined;

  constructor(
    private readonly adapter: TargetAdapter,
    private readonly setup: WorkloadSetup,
  ) {
    this.image = Buffer.from(setup.image, "base64");
  }

  /** A listener for the recipient of `stream`: counts, times and marks seen what arrives. */
  private listener(stream: string, chat: () => ChatHandle | undefined): ChatListener {
    const event = () => {
      this.events++;
      this.lastEventAt = performance.now();
    };
    return {
      message: (id, text, kind) => {
        event();
        const decoded = decodeMessage(text);
        if (decoded !== undefined) {
          this.latencies.record(kind, performance.timeOrigin + performance.now() - decoded.sentAt);
          this.ledger.received(stream, decoded.n);
        }
        chat()?.markSeen(id);
      },
      typing: event,
      received: event,
      seen: event,
    };
  }

  async start(): Promise<void> {
    const { serverUrls, chats, chatsPerAgent } = this.setup;
    const url = (i: number) => serverUrls[i % serverUrls.length]!;
    const customers: ChatHandle[] = [];
    // Customers start their chats a few at a time, as a busy web site's visitors would.
    const concurrency = 16;
    for (let first = 0; first < chats; first += concurrency) {
      const batch = [];
      for (let i = first; i < Math.min(chats, first + concurrency); i++) {
        let handle: ChatHandle | undefined;
        // Customer i receives the agent's stream of chat i.
        const started = this.adapter.startCustomer(url(i), `Customer ${i}`, this.listener(`${i}:agent`, () => handle)).then((result) => {
          handle = result.chat;
          this.sessions.push(result.session);
          customers[i] = result.chat;
        });
        batch.push(started);
      }
      await Promise.all(batch);
    }
    for (let i = 0; i < chats; i++) this.senders.push({ chat: customers[i]!, stream: `${i}:customer`, count: 0, nextAt: 0 });

    const agents = Math.ceil(chats / chatsPerAgent);
    await Promise.all(
      Array.from({ length: agents }, async (_, a) => {
        const served = customers.slice(a * chatsPerAgent, (a + 1) * chatsPerAgent).map((customer, k) => ({ index: a * chatsPerAgent + k, customer }));
        const handles: (ChatHandle | undefined)[] = [];
        const token = this.setup.agentTokens[a] ?? "";
        const result = await this.adapter.startAgent(
          url(a + 1),
          token,
          served.map(({ index, customer }, k) => ({ chatId: customer.chatId, listener: this.listener(`${index}:customer`, () => handles[k]) })),
        );
        this.sessions.push(result.session);
        result.chats.forEach((handle, k) => {
          handles[k] = handle;
          this.senders.push({ chat: handle, stream: `${served[k]!.index}:agent`, count: 0, nextAt: 0 });
        });
      }),
    );
  }

  private send(sender: Sender, counters: SendCounters): void {
    const n = ++sender.count;
    const sentAt = performance.timeOrigin + performance.now();
    const text = encodeMessage(n, sentAt);
    const withImage = this.setup.imageShare > 0 && n % Math.round(1 / this.setup.imageShare) === 0;
    sender.chat.typing(true);
    this.pending++;
    counters.sent++;
    sender.chat.send(text, withImage ? this.image : undefined).then(
      () => {
        this.latencies.ack.record(performance.timeOrigin + performance.now() - sentAt);
        this.pending--;
        counters.acknowledged++;
        this.ledger.acknowledged(sender.stream, n);
      },
      () => {
        this.pending--;
        counters.sendErrors++;
      },
    );
    sender.chat.typing(false);
  }

  /**
   * Every participant sends at `rate` messages per second from now until
   * `endAt` (or until stopped), each on a schedule of their own; `done`
   * resolves when sending ends.
   */
  private sendAtRate(rate: number, counters: SendCounters, endAt = Number.POSITIVE_INFINITY): { done: Promise<void>; stop(): void } {
    const interval = 1000 / rate;
    const startedAt = performance.now();
    // Spread the first sends over one interval so that participants do not send in lockstep.
    for (const sender of this.senders) sender.nextAt = startedAt + Math.random() * interval;
    let stopAt = endAt;
    const done = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        const until = Math.min(now, stopAt);
        for (const sender of this.senders) {
          while (sender.nextAt <= until) {
            counters.offered++;
            this.send(sender, counters);
            sender.nextAt += interval;
          }
        }
        if (now >= stopAt) {
          clearInterval(timer);
          resolve();
        }
      }, SCHEDULER_TICK_MS);
    });
    return {
      done,
      stop: () => {
        stopAt = Math.min(stopAt, performance.now());
      },
    };
  }

  /** Waits until every send is answered and every acknowledged message received, or the timeout; returns whether it drained. */
  private async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      // Settled: every send answered, every acknowledged message received, and the receipts they cause have stopped coming.
      if (this.pending === 0 && this.ledger.isSettled() && performance.now() - this.lastEventAt > 100) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  /** Sends at the step's rate for its duration, then waits for the traffic to drain. */
  async step(command: StepCommand): Promise<StepResult> {
    this.latencies.take();
    const eventsBefore = this.events;
    const counters: SendCounters = { offered: 0, sent: 0, acknowledged: 0, sendErrors: 0 };
    const startedAt = performance.now();
    await this.sendAtRate(command.messagesPerSecondPerParticipant, counters, startedAt + command.durationMs).done;
    const settled = await this.drain(command.drainTimeoutMs);
    const lastTrafficAt = settled ? this.lastEventAt : performance.now();
    return {
      type: "stepResult",
      offered: counters.offered,
      sent: counters.sent,
      acknowledged: counters.acknowledged,
      sendErrors: counters.sendErrors,
      events: this.events - eventsBefore,
      elapsedMs: Math.max(command.durationMs, lastTrafficAt - startedAt),
      ...this.latencies.take(),
      errors: this.ledger.errors(),
      settled,
    };
  }

  /** Starts the soak: sending at a fixed rate until {@link soakStop}. */
  soakStart(command: SoakStart): void {
    if (this.soak !== undefined) throw new Error("a soak is already running");
    this.latencies.take();
    const counters: SendCounters = { offered: 0, sent: 0, acknowledged: 0, sendErrors: 0 };
    const sending = this.sendAtRate(command.messagesPerSecondPerParticipant, counters);
    this.soak = { stop: sending.stop, done: sending.done, counters, windowStartedAt: performance.now(), eventsAtWindowStart: this.events };
  }

  /** Closes the soak's current window (what it saw since the previous one) and opens the next; `until` ends it early (the last window's traffic). */
  soakWindow(until = performance.now()): SoakWindowResult {
    const soak = this.soak;
    if (soak === undefined) throw new Error("no soak is running");
    const { sent, acknowledged, sendErrors } = soak.counters;
    const result: SoakWindowResult = {
      type: "soakWindowResult",
      sent,
      acknowledged,
      sendErrors,
      events: this.events - soak.eventsAtWindowStart,
      elapsedMs: until - soak.windowStartedAt,
      ...this.latencies.take(),
    };
    // Answers to sends of this window that come later count in the next one.
    Object.assign(soak.counters, { offered: 0, sent: 0, acknowledged: 0, sendErrors: 0 });
    soak.windowStartedAt = performance.now();
    soak.eventsAtWindowStart = this.events;
    return result;
  }

  /** Stops the soak, waits for its traffic to drain, and closes its last window with what arrived meanwhile. */
  async soakStop(command: SoakStop): Promise<SoakStopped> {
    if (this.soak === undefined) throw new Error("no soak is running");
    this.soak.stop();
    await this.soak.done;
    const settled = await this.drain(command.drainTimeoutMs);
    const window = this.soakWindow(settled ? Math.max(this.lastEventAt, this.soak.windowStartedAt) : performance.now());
    this.soak = undefined;
    return { type: "soakStopped", window, errors: this.ledger.errors(), settled };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.sessions.map((session) => session.close()));
  }
}
