// Preloaded (`node --expose-gc --import`) into a server the bench starts: on the bench's
// request over the IPC channel, collect garbage and report the process's memory. The
// server's own code is untouched; without an IPC channel this does nothing. The soak reads
// memory under load every few seconds with `gc: false`: a forced full collection each time
// would pause the server and show in the very latencies the soak watches.
if (process.send !== undefined) {
  process.on("message", (message) => {
    if (message === null || typeof message !== "object" || message.type !== "benchMemory") return;
    if (message.gc !== false && typeof globalThis.gc === "function") {
      globalThis.gc();
      globalThis.gc();
    }
    const usage = process.memoryUsage();
    process.send({ type: "benchMemory", rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers });
  });
  // The channel must not keep a server alive that was asked to stop; and a server whose bench
  // went away (it runs in a session of its own, so nothing else would stop it) shuts down.
  process.channel?.unref();
  process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
