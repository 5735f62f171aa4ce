/**
 * The server's Prometheus metrics, in one registry per server instance (two
 * nodes in one process, as in tests, do not mix their numbers). Counters
 * only count; rates come from PromQL (`rate(parley_events_in_total[1m])`).
 * `GET /metrics` serves them (see http/metrics.ts and docs/deploy.md).
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the gauges read when scraped. */
export interface MetricsSources {
  /** Open WebSocket sessions on this node. */
  openConnections(): number;
  /** Chats this node has sockets in (and so follows on the bus). */
  servedChats(): number;
  /** Chats in the store by tenant and state; absent when the store cannot count them. */
  chatsByState?: () => Promise<ChatCounts[]>;
  /** Whether the bus delivers right now. */
  isBusConnected(): boolean;
  /** Image jobs running and waiting their turn on this node. */
  imageJobs?: () => { active: number; queued: number };
  /** Office documents being judged on worker threads, and waiting for one. */
  documentChecks?: () => { active: number; queued: number };
}

/** One tenant's chats by state (the `parley_chats` gauge). */
export interface ChatCounts {
  tenant: string;
  active: number;
  ended: number;
}

/** Latency buckets in seconds: from a group commit's fraction of a millisecond to a stalled disk. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class ParleyMetrics {
  readonly registry = new Registry();
  /** Client frames received, by frame type (`send`, `typing`, `join`…). */
  readonly framesIn: Counter<"type">;
  /** Events committed by this node, by event name (`message`, `userAdded`…). */
  readonly eventsIn: Counter<"type">;
  /** Events and signals written to this node's sockets, by name, once per recipient. */
  readonly eventsOut: Counter<"type">;
  /** Coded errors answered to clients, over sockets and REST. */
  readonly errors: Counter<"code">;
  readonly storeAppendSeconds: Histogram;
  readonly busPublishSeconds: Histogram;
  /** Times the bus came back after losing its connection. */
  readonly busReconnects: Counter;
  /** Messages from the bus dropped because they were malformed. */
  readonly busDropped: Counter;
  /** Chats the retention job deleted, by tenant. */
  readonly retentionDeletedChats: Counter<"tenant">;
  /** Files' rows the retention job deleted (with their chats, or unsent), by tenant. */
  readonly retentionDeletedFiles: Counter<"tenant">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "parley_" });
    new Gauge({
      name: "parley_connections_open",
      help: "Open WebSocket sessions on this node.",
      registers,
      collect() {
        this.set(sources.openConnections());
      },
    });
    new Gauge({
      name: "parley_chats_served",
      help: "Chats this node has at least one socket in (and follows on the bus).",
      registers,
      collect() {
        this.set(sources.servedChats());
      },
    });
    const chatsByState = sources.chatsByState;
    if (chatsByState !== undefined) {
      new Gauge({
        name: "parley_chats",
        help: "Chats in the store, by tenant and state (the same for every node of a cluster).",
        labelNames: ["state", "tenant"],
        registers,
        async collect() {
          // A tenant whose chats are all gone keeps its last numbers otherwise.
          this.reset();
          for (const { tenant, active, ended } of await chatsByState()) {
            this.set({ state: "active", tenant }, active);
            this.set({ state: "ended", tenant }, ended);
          }
        },
      });
    }
    new Gauge({
      name: "parley_bus_connected",
      help: "1 when the bus between nodes delivers, 0 while it is disconnected.",
      registers,
      collect() {
        this.set(sources.isBusConnected() ? 1 : 0);
      },
    });
    const imageJobs = sources.imageJobs;
    if (imageJobs !== undefined) {
      new Gauge({
        name: "parley_image_jobs_active",
        help: "Images being processed on this node (at most PARLEY_IMAGE_JOBS).",
        registers,
        collect() {
          this.set(imageJobs().active);
        },
      });
      new Gauge({
        name: "parley_image_jobs_queued",
        help: "Images admitted on this node and waiting their turn (at most PARLEY_IMAGE_QUEUE).",
        registers,
        collect() {
          this.set(imageJobs().queued);
        },
      });
    }
    const documentChecks = sources.documentChecks;
    if (documentChecks !== undefined) {
      new Gauge({
        name: "parley_document_checks_active",
        help: "Office documents being judged on this node's worker threads.",
        registers,
        collect() {
          this.set(documentChecks().active);
        },
      });
      new Gauge({
        name: "parley_document_checks_queued",
        help: "Office documents waiting for a worker thread to judge them.",
        registers,
        collect() {
          this.set(documentChecks().queued);
        },
      });
    }
    this.framesIn = new Counter({ name: "parley_frames_in_total", help: "Client frames received, by type.", labelNames: ["type"], registers });
    this.eventsIn = new Counter({ name: "parley_events_in_total", help: "Events committed by this node, by type.", labelNames: ["type"], registers });
    this.eventsOut = new Counter({
      name: "parley_events_out_total",
      help: "Events and typing signals written to this node's sockets, by type, once per recipient.",
      labelNames: ["type"],
      registers,
    });
    this.errors = new Counter({ name: "parley_errors_total", help: "Coded errors answered to clients, by code.", labelNames: ["code"], registers });
    this.storeAppendSeconds = new Histogram({
      name: "parley_store_append_duration_seconds",
      help: "Time from an append's request to its commit (group commits included).",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.busPublishSeconds = new Histogram({
      name: "parley_bus_publish_duration_seconds",
      help: "Time to hand a message to the bus (while Redis is away, until it is back).",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.busReconnects = new Counter({ name: "parley_bus_reconnects_total", help: "Times the bus reconnected after losing its connection.", registers });
    this.busDropped = new Counter({ name: "parley_bus_dropped_total", help: "Malformed messages from the bus, logged and dropped.", registers });
    this.retentionDeletedChats = new Counter({
      name: "parley_retention_deleted_chats_total",
      help: "Chats deleted by the retention job on this node, by tenant.",
      labelNames: ["tenant"],
      registers,
    });
    this.retentionDeletedFiles = new Counter({
      name: "parley_retention_deleted_files_total",
      help: "Files deleted by the retention job on this node (with their chats, or never sent), by tenant.",
      labelNames: ["tenant"],
      registers,
    });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
