/**
 * @module @parley/server
 * The Parley server: REST API, WebSocket sessions, chat domain, storage and
 * fan-out. Start one with {@link createParleyServer}.
 */
export { createParleyServer, type ParleyServer, type ParleyServerOptions } from "./server.js";
export type { ResponseViolation } from "./http/response-check.js";
export { ConfigError, type ConfigInput, type ParleyConfig } from "./config.js";
export type { Store } from "./store/types.js";
export type { Bus, BusHandler } from "./bus/types.js";
export { MemoryBroker, MemoryBus } from "./bus/memory.js";
export { RedisBus, RedisUnavailableError, type RedisBusOptions } from "./bus/redis.js";
export type { ParleyMetrics } from "./metrics.js";
export { ImageJobs, type ImageJobLimits, type ImageJobPlace } from "./media/image-jobs.js";
