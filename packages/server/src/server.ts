/**
 * The composition root: wires config, store, bus, auth, the chat domain, the
 * HTTP app and the socket server into one server with listen/close.
 * @module
 */
import { rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ApiKeys } from "./auth/api-keys.js";
import { TokenService } from "./auth/tokens.js";
import type { BlobStore } from "./blobs/types.js";
import { MemoryBus } from "./bus/memory.js";
import { RedisBus } from "./bus/redis.js";
import type { Bus } from "./bus/types.js";
import { ChatFeed } from "./chat/feed.js";
import { ChatReplication } from "./chat/replication.js";
import { ChatService } from "./chat/service.js";
import { resolveConfig, type ConfigInput, type ParleyConfig } from "./config.js";
import { createDesk } from "./desk/wiring.js";
import { DeskSupervision } from "./desk/supervision.js";
import { ChatNotes } from "./chat/notes.js";
import { buildApp } from "./http/app.js";
import type { ResponseViolation } from "./http/response-check.js";
import { instrumentBus, instrumentStore } from "./instrument.js";
import { OriginPolicy } from "./policy/origins.js";
import { RetentionJob } from "./lifecycle/retention.js";
import { createLogger, type Logger } from "./logger.js";
import { ParleyMetrics } from "./metrics.js";
import { ContainerJudges } from "./media/container-judges.js";
import { ImageJobs } from "./media/image-jobs.js";
import { MediaLibrary } from "./media/library.js";
import type { Watermarks } from "./realtime/connection.js";
import { FanoutHub } from "./realtime/hub.js";
import { SocketServer } from "./realtime/socket-server.js";
import { openBlobStore, openStore } from "./store/open.js";
import { AgentRoles } from "./auth/agent-roles.js";
import { TenantGate } from "./auth/tenant-gate.js";
import { TenantStatusWatch } from "./realtime/tenant-status.js";
import { AgentStatusWatch } from "./realtime/agent-status.js";
import { AgentAdmin } from "./auth/agent-admin.js";
import { StoreUnavailableError, type Store } from "./store/types.js";
import { WebhookAdmin } from "./integrations/webhook-admin.js";
import { WEBHOOKS_CHANNEL, WebhookWorker, type WebhookTiming } from "./integrations/webhook-worker.js";

/** How long a stop waits for image jobs in progress before closing the store under them. */
const MEDIA_DRAIN_MS = 2_000;

/** Options of {@link createParleyServer}; all optional. */
export interface ParleyServerOptions extends ConfigInput {
  /** A store to use instead of the configured one (see store/open.ts). The caller keeps ownership: `close()` leaves it open. */
  store?: Store;
  /** A blob store for media instead of the configured one (see store/open.ts). Not closed by `close()`. */
  blobs?: BlobStore;
  /** A bus to use instead of a private in-memory one (e.g. one shared by in-process nodes). Not closed by `close()`. */
  bus?: Bus;
  /** A logger to use instead of one at `logLevel`. */
  logger?: Logger;
  /** Per-socket backpressure thresholds (defaults: 1 MiB and 8 MiB). */
  watermarks?: Watermarks;
  /** The image job queue to use instead of one sized by `imageJobs`, `imageQueue` and `imageJobsPerAddress`. */
  imageJobQueue?: ImageJobs;
  /** The webhook worker's timing instead of the defaults (and `webhookPollMs`, `webhookRetryBaseMs`). */
  webhookTiming?: Partial<WebhookTiming>;
  /**
   * Hears each REST answer that is outside its route's declared schema (an
   * undeclared status, a body the schema refuses, a field the serialiser
   * dropped). For tests and development: every answer is checked. Off by default.
   */
  responseCheck?: (violation: ResponseViolation) => void;
}

export interface ParleyServer {
  readonly config: ParleyConfig;
  readonly store: Store;
  readonly bus: Bus;
  /** Issues and verifies tokens with this server's secret. */
  readonly tokens: TokenService;
  readonly logger: Logger;
  /** This server's Prometheus registry (served at `/metrics`). */
  readonly metrics: ParleyMetrics;
  /** Migrates the store and starts listening; port 0 picks a free port. */
  listen(): Promise<{ url: string; port: number }>;
  /**
   * Graceful stop: `/readyz` turns 503, new sockets are refused, frames being
   * handled are answered, sockets are closed with 4503 (reconnect elsewhere),
   * HTTP requests in flight finish, pending writes commit, and what the server
   * owns is closed.
   */
  close(): Promise<void>;
}

/**
 * Office documents are judged on one worker thread: checking one takes milliseconds, and
 * the machine's cores are better left to the event loop and images. 64 may wait (each is an
 * upload already spooled); one that takes 10 s is a hostile file or a bug, and is refused.
 */
const DOCUMENT_JUDGES = { workers: 1, maxQueued: 64, timeoutMs: 10_000 };

export function createParleyServer(options: ParleyServerOptions = {}): ParleyServer {
  const config = resolveConfig(options);
  const logger = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? openStore(config, logger);
  const onMalformed = (raw: string): void => {
    metrics.busDropped.inc();
    logger.warn({ bytes: raw.length }, "dropped a malformed bus envelope");
  };
  // REDIS_URL: fan-out between nodes over Redis; otherwise one node with an in-process bus.
  const ownRedis =
    options.bus === undefined && config.redisUrl !== null
      ? new RedisBus({
          url: config.redisUrl,
          prefix: config.redisPrefix,
          onMalformed,
          onError: (error, what) => logger.warn({ err: error }, `${what} failed`),
        })
      : undefined;
  const bus: Bus = options.bus ?? ownRedis ?? new MemoryBus({ onMalformed });
  const blobs = options.blobs ?? openBlobStore(config, logger);
  const tokens = new TokenService(config.secret);
  let isClosing = false;
  const documentJudges = new ContainerJudges(DOCUMENT_JUDGES);
  const imageJobs = options.imageJobQueue ?? new ImageJobs({ concurrent: config.imageJobs, queued: config.imageQueue, perClient: config.imageJobsPerAddress });
  const metrics: ParleyMetrics = new ParleyMetrics({
    // Read when scraped, once the socket server below exists.
    openConnections: (): number => sockets.openCount,
    servedChats: () => hub.chatCount,
    chatsByState: () => store.countContactsByTenant(),
    isBusConnected: () => bus.isConnected !== false,
    imageJobs: () => ({ active: imageJobs.active, queued: imageJobs.queued }),
    documentChecks: () => ({ active: documentJudges.active, queued: documentJudges.queued }),
  });
  const measuredStore = instrumentStore(store, metrics);
  const tenants = new TenantGate(store);
  const measuredBus = instrumentBus(bus, metrics);
  // Uploads are spooled here while they are judged; whatever a crash left behind is removed at start.
  const spoolDir = join(config.dataDir, "spool");
  const media = new MediaLibrary({
    store: measuredStore,
    blobs,
    limits: config.limits,
    spoolDir,
    secret: config.secret,
    imageJobs,
    imageTimeoutMs: config.imageTimeoutMs,
    containers: documentJudges.judge,
    storageLimitOf: async (tenant) => (await tenants.find(tenant))?.limits.maxStorageBytes ?? null,
  });
  const feed = new ChatFeed(measuredBus, logger);
  // One way down: the replication feeds the hub, the hub's sockets are where the chat service delivers.
  const replication = new ChatReplication({ store: measuredStore, bus: measuredBus, logger });
  const hub = new FanoutHub({
    source: replication,
    logger,
    observeDelivery: (type, recipients) => metrics.eventsOut.inc({ type }, recipients),
  });
  // The desk returns a gone agent's chats through the chat service, which asks the desk before an agent joins.
  const desk = createDesk({ config, store: measuredStore, bus: measuredBus, logger, chat: () => chat });
  const chat: ChatService = new ChatService({
    store: measuredStore,
    bus: measuredBus,
    limits: config.limits,
    logger,
    media,
    feed,
    replication,
    delivery: hub,
    admitAgent: (who, chatId) => desk.admitJoin(who, chatId),
    onMembership: (tenant, event) => desk.membershipCommitted(tenant, event),
  });
  // Every start, join, leave and end, committed on any node, may change a queue's offers and positions.
  feed.listen((tenant, update) => {
    if (update.change !== "message") desk.queueChanged(tenant);
  });
  const roles = new AgentRoles(store);
  // Notes travel beside the chat's events, to agents' sockets only.
  const notes = new ChatNotes({ store: measuredStore, bus: measuredBus, logger, delivery: hub });
  const supervision = new DeskSupervision({
    store: measuredStore,
    chat,
    notes,
    roles,
    limits: config.limits,
    admitAgent: (who, chatId) => desk.admitJoin(who, chatId),
    returnToQueue: (tenant, chatId, queue) => desk.requeue(tenant, chatId, queue),
  });
  // A tenant's webhook endpoints changed: every node's appends read them again.
  const announceWebhooks = (tenant: string): void => {
    measuredBus.publish(WEBHOOKS_CHANNEL, { tenant }).catch((error: unknown) => logger.warn({ err: error }, "announcing a webhook change failed"));
  };
  const stopWebhookChanges = measuredBus.subscribe(WEBHOOKS_CHANNEL, (message) => {
    const tenant = (message as { tenant?: unknown } | null)?.tenant;
    if (typeof tenant === "string") store.webhooksChanged(tenant);
  });
  const webhooks = new WebhookAdmin({ store: measuredStore, announce: announceWebhooks, privateAddresses: config.webhookPrivate });
  const webhookWorker = new WebhookWorker({
    store,
    logger,
    secret: config.secret,
    publicUrl: config.publicUrl,
    announce: announceWebhooks,
    privateAddresses: config.webhookPrivate,
    timing: { pollMs: config.webhookPollMs, retryBaseMs: config.webhookRetryBaseMs, ...options.webhookTiming },
  });
  const origins = new OriginPolicy(config.allowedOrigins);
  const apiKeys = new ApiKeys({
    stores: (tenant) => measuredStore.tenant(tenant),
    bus: measuredBus,
    onTouchError: (error) => logger.warn({ err: error }, "recording an API key's last use failed"),
  });
  // Every node runs it; a lease per tenant keeps two nodes from doing the same work.
  const retention = new RetentionJob({ store, blobs, logger, metrics, intervalMs: config.retentionIntervalMs });
  // The socket server is built below; a tenant disabled before then has no sockets to close.
  const tenantStatus = new TenantStatusWatch(measuredBus, tenants, () => sockets as SocketServer | undefined, logger);
  const agentStatus = new AgentStatusWatch(measuredBus, measuredStore, roles, () => sockets as SocketServer | undefined, logger);
  const agentAdmin = new AgentAdmin({
    store: measuredStore,
    statusOf: (tenant, agentId) => desk.presence.statusOf(tenant, agentId),
    changed: async (tenant, agentId, isDisabled) => {
      // Sockets close on every node first, so the agent cannot take a chat back while theirs return to the queue.
      await agentStatus.announce(tenant, agentId);
      if (!isDisabled) return;
      const returned = await desk.returnAgentChats(tenant, agentId);
      if (returned > 0) logger.info({ tenant, agentId, returned }, "a disabled agent's chats returned to the queue");
    },
  });
  const app = buildApp({
    logger,
    store,
    blobs,
    tenants,
    tenantHosts: config.tenantHosts,
    roles,
    tenantStatus,
    agentAdmin,
    chat,
    media,
    tokens,
    apiKeys,
    limits: config.limits,
    secret: config.secret,
    uploadsPerMinute: config.uploadsPerMinute,
    contactsPerMinute: config.contactsPerMinute,
    loginsPerMinute: config.loginsPerMinute,
    trustProxy: config.trustProxy,
    metrics,
    readiness: {
      // The database answers and has every migration this build knows.
      store: () =>
        store.ready().then(
          () => undefined,
          (error: unknown) => (error instanceof StoreUnavailableError ? error.reason : error instanceof Error ? error.message : String(error)),
        ),
      bus: () => Promise.resolve(bus.isConnected === false ? "not connected" : undefined),
      server: () => Promise.resolve(isClosing ? "shutting down" : undefined),
    },
    origins,
    http: config.http,
    metricsToken: config.metricsToken,
    desk,
    webhooks,
    ...(options.responseCheck === undefined ? {} : { responseCheck: options.responseCheck }),
  });
  const sockets: SocketServer = new SocketServer({
    chat,
    tenants,
    hub,
    tokens,
    limits: config.limits,
    logger,
    metrics,
    helloTimeoutMs: config.helloTimeoutMs,
    origins,
    trustProxy: config.trustProxy,
    tenantHosts: config.tenantHosts,
    desk,
    roles,
    supervision,
    ...(options.watermarks === undefined ? {} : { watermarks: options.watermarks }),
  });
  sockets.attach(app.server);

  let closing: Promise<void> | undefined;

  return {
    config,
    store,
    bus,
    tokens,
    logger,
    metrics,
    async listen() {
      // An unreachable Redis stops the start here, with a message naming the URL.
      await ownRedis?.start();
      await store.migrate();
      // Revocations made on other nodes reach this one before it serves a key.
      await apiKeys.ready;
      await rm(spoolDir, { recursive: true, force: true });
      await app.listen({ port: config.port, host: config.host });
      const { port } = app.server.address() as AddressInfo;
      const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
      logger.info({ url }, "parley listening");
      retention.start();
      desk.start();
      webhookWorker.start();
      // Images whose message committed before a crash, still to be processed: finished in the background, one at a time.
      void chat.resumeMediaProcessing().then(
        (resumed) => {
          if (resumed > 0) logger.info({ resumed }, "resumed pending image processing");
        },
        (error: unknown) => logger.warn({ err: error }, "resuming pending image processing failed; retried at next start"),
      );
      return { url, port };
    },
    close() {
      closing ??= (async () => {
        isClosing = true;
        const retentionStopped = retention.stop();
        // Attempts in flight finish (at most the 5 s timeout); claims not recorded expire and are sent again.
        const webhooksStopped = webhookWorker.stop();
        // Idle keep-alive connections hold nothing: close them now, not when the browser lets go.
        app.server.closeIdleConnections();
        // Whatever is still open at the bound is closed, so a stop never waits on a client.
        const bound = setTimeout(() => {
          logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "shutdown bound reached; closing every connection left");
          app.server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        bound.unref();
        try {
          // Sockets get most of the bound to answer what they handle and close with 4503; the rest is for HTTP.
          const budget = config.shutdownTimeoutMs;
          await sockets.close(Math.min(2000, Math.floor(budget * 0.2)), Math.min(5000, Math.floor(budget * 0.5)));
          await app.close();
        } finally {
          clearTimeout(bound);
        }
        // Jobs running get a moment to finish; any cut short stay pending and are resumed at the next start.
        await Promise.race([chat.mediaProcessingIdle(), new Promise((resolve) => setTimeout(resolve, MEDIA_DRAIN_MS).unref())]);
        await retentionStopped;
        await webhooksStopped;
        stopWebhookChanges();
        await desk.close();
        chat.close();
        notes.close();
        apiKeys.close();
        replication.close();
        feed.close();
        tenantStatus.close();
        agentStatus.close();
        await documentJudges.close();
        if (options.store === undefined) await store.close();
        if (options.blobs === undefined) await blobs.close();
        if (options.bus === undefined) await bus.close();
        logger.info("parley stopped");
      })();
      return closing;
    },
  };
}
