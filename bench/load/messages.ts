/** The messages between the bench's orchestrator and its load-generator processes (over the IPC channel). @module */
import type { DeliveryErrors } from "../lib/delivery-ledger.js";
import type { LatencySummary } from "../lib/stats.js";

export type TargetName = "parley" | "baseline";

/** The contact center to build: customers, agents and who serves which chat. */
export interface WorkloadSetup {
  type: "setup";
  target: TargetName;
  /** One URL per server node; sockets are spread over them in turn. */
  serverUrls: string[];
  chats: number;
  chatsPerAgent: number;
  /** One token per agent (Parley); the baseline needs none. */
  agentTokens: string[];
  /** Share of messages (0..1) that carry {@link image}. */
  imageShare: number;
  /** A small PNG, Base64. */
  image: string;
}

/** Run one step of the ramp at this rate. */
export interface StepCommand {
  type: "step";
  messagesPerSecondPerParticipant: number;
  durationMs: number;
  /** How long to wait, after the last send, for every acknowledged message to arrive. */
  drainTimeoutMs: number;
}

export interface StepResult {
  type: "stepResult";
  /** Messages the schedule asked for / that went out / that the server acknowledged / that it refused. */
  offered: number;
  sent: number;
  acknowledged: number;
  sendErrors: number;
  /** Events handed to the applications: messages, typing, delivery and read receipts. */
  events: number;
  /** From the step's first send to the last event of its traffic (or the drain timeout). */
  elapsedMs: number;
  /** Send → the recipient's callback, every message. */
  latency: LatencySummary;
  /** The same, texts only: the latency target is judged on them. */
  textLatency: LatencySummary;
  /** The same, messages carrying an image only. */
  imageLatency: LatencySummary;
  /** Send → the sender's acknowledgment (committed). */
  ackLatency: LatencySummary;
  /** Since the start of the run. */
  errors: DeliveryErrors;
  settled: boolean;
}

/** The soak: start sending at this rate and keep on until told to stop. */
export interface SoakStart {
  type: "soakStart";
  messagesPerSecondPerParticipant: number;
}

/** What one window of the soak saw: since the soak started or the previous window. */
export interface SoakWindowResult {
  type: "soakWindowResult";
  sent: number;
  acknowledged: number;
  sendErrors: number;
  events: number;
  /** From the window's start to its end (for the last one: to the end of its traffic, or the drain timeout). */
  elapsedMs: number;
  latency: LatencySummary;
  textLatency: LatencySummary;
  imageLatency: LatencySummary;
  ackLatency: LatencySummary;
}

/** Stop the soak, wait for its traffic to drain, and close its last window. */
export interface SoakStop {
  type: "soakStop";
  drainTimeoutMs: number;
}

export interface SoakStopped {
  type: "soakStopped";
  /** The last window, with the traffic that arrived while draining. */
  window: SoakWindowResult;
  /** Since the start of the soak, counted once the traffic drained. */
  errors: DeliveryErrors;
  settled: boolean;
}

/** The idle test: sockets that connect and stay. */
export interface IdleCommand {
  type: "idle";
  target: TargetName;
  serverUrls: string[];
  sockets: number;
  concurrency: number;
}

export type ToLoad =
  | WorkloadSetup
  | StepCommand
  | SoakStart
  | { type: "soakWindow" }
  | SoakStop
  | IdleCommand
  | { type: "connectIdle" }
  | { type: "close" };

export type FromLoad =
  | { type: "ready" }
  | StepResult
  | { type: "soakStarted" }
  | SoakWindowResult
  | SoakStopped
  | { type: "idleChatsCreated" }
  | { type: "idleConnected"; sockets: number; failures: number }
  | { type: "closed" }
  | { type: "failed"; message: string };
