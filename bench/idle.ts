/**
 * The idle test: start N chats, read the server's memory, connect one customer
 * socket per chat, read it again. The difference over N is what one connected,
 * idle socket costs the server. The second reading waits until the sockets
 * have sat idle for a while: right after 20,000 handshakes the process still
 * holds heap pages and buffers of the burst that it gives back within seconds
 * (V8's memory reducer), and counting them made the figure swing by several
 * KiB per socket between runs of the same code.
 * @module
 */
import { LoadProcess, SOCKETS_PER_LOAD_PROCESS } from "./load/load-process.js";
import type { TargetName } from "./load/messages.js";
import type { ServerProcess } from "./targets/server-process.js";

export interface IdleReport {
  target: TargetName;
  sockets: number;
  failures: number;
  /** RSS growth per socket, bytes. */
  rssBytesPerSocket: number;
  /** JS heap growth per socket, bytes. */
  heapBytesPerSocket: number;
  /** Off-heap (Buffers, ArrayBuffers) growth per socket, bytes. */
  externalBytesPerSocket: number;
}

export async function runIdle(
  target: TargetName,
  server: ServerProcess,
  urls: string[],
  sockets: number,
  settleMs: number,
  log: (line: string) => void,
): Promise<IdleReport> {
  const processes = Math.ceil(sockets / SOCKETS_PER_LOAD_PROCESS);
  const loads = Array.from({ length: processes }, () => new LoadProcess());
  try {
    const shares = loads.map((_, i) => Math.floor(sockets / processes) + (i < sockets % processes ? 1 : 0));
    await Promise.all(
      loads.map((load, i) => load.request({ type: "idle", target, serverUrls: urls, sockets: shares[i]!, concurrency: 64 }, "idleChatsCreated")),
    );
    const before = await server.memory();
    const connected = await Promise.all(loads.map((load) => load.request({ type: "connectIdle" }, "idleConnected")));
    const total = connected.reduce((sum, result) => sum + result.sockets, 0);
    const failures = connected.reduce((sum, result) => sum + result.failures, 0);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const after = await server.memory();
    const per = (delta: number) => Math.round(delta / Math.max(1, total));
    const report: IdleReport = {
      target,
      sockets: total,
      failures,
      rssBytesPerSocket: per(after.rss - before.rss),
      heapBytesPerSocket: per(after.heapUsed - before.heapUsed),
      externalBytesPerSocket: per(after.external - before.external),
    };
    log(
      `  ${target} idle: ${total} sockets (${failures} failed): ${(report.rssBytesPerSocket / 1024).toFixed(1)} KiB RSS, ` +
        `${(report.heapBytesPerSocket / 1024).toFixed(1)} KiB heap per socket`,
    );
    return report;
  } finally {
    await Promise.all(loads.map((load) => load.close()));
  }
}
