/**
 * `npm run bench`: Parley and the Socket.IO baseline under the same
 * contact-center workload, in the same run; see bench/README.md.
 * @module
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runIdle, type IdleReport } from "./idle.js";
import { describeMachine } from "./lib/machine.js";
import { describePinning } from "./lib/pinning.js";
import { makePng } from "./lib/png.js";
import { parseOptions, USAGE } from "./options.js";
import { runRamp, type RampReport } from "./ramp.js";
import { describeRun, figures, markdown, ratio, writeDocs, type BenchResults } from "./report.js";
import { runSoak } from "./soak.js";
import { startBaseline } from "./targets/baseline.js";
import { startParley, type ParleyOptions } from "./targets/parley.js";
import { MAX_SERVER_SOCKETS, SERVER_OPEN_FILES } from "./targets/server-process.js";

const DOCS = fileURLToPath(new URL("../docs/performance.md", import.meta.url));
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const startedAt = performance.now();
  const image = makePng(48, 48).toString("base64");
  const { json, writeDocs: toDocs, ...shown } = options;
  const results: BenchResults = { machine: describeMachine(), pinning: describePinning(), mode: options.cluster ? "cluster" : "embedded", options: shown };
  log(describeRun(results));

  const parleyOptions: ParleyOptions = { agents: Math.ceil(options.chats / options.chatsPerAgent) };
  if (options.cpuProfile !== undefined) parleyOptions.nodeFlags = ["--cpu-prof", "--cpu-prof-dir", options.cpuProfile];
  if (options.cluster) {
    const databaseUrl = process.env.DATABASE_URL;
    const redisUrl = process.env.REDIS_URL;
    if (databaseUrl === undefined || redisUrl === undefined) throw new Error("--cluster needs DATABASE_URL and REDIS_URL");
    // Without the Redis bus each node would only see its own sockets' events: the run would report them lost.
    if (!existsSync(fileURLToPath(new URL("../packages/server/dist/bus/redis.js", import.meta.url)))) {
      throw new Error("--cluster needs the server's Redis bus (packages/server/src/bus/redis.ts), which this build does not have");
    }
    parleyOptions.cluster = { nodes: 2, databaseUrl, redisUrl };
  }

  let parleyRamp: RampReport | undefined;
  let baselineRamp: RampReport | undefined;
  if (!options.skipRamp) {
    log("Parley:");
    const parley = await startParley(parleyOptions);
    try {
      parleyRamp = await runRamp("parley", { urls: parley.urls, pids: parley.nodes.map((n) => n.pid), agentTokens: parley.agentTokens }, options, image, log);
      results.parley = figures(parleyRamp);
      results.errors = parleyRamp.errors;
    } finally {
      await parley.stop();
    }
    if (!options.skipBaseline) {
      log("Baseline (Socket.IO relay):");
      const baseline = await startBaseline();
      try {
        baselineRamp = await runRamp("baseline", { urls: [baseline.url], pids: [baseline.pid], agentTokens: [] }, options, image, log);
        results.baseline = figures(baselineRamp);
      } finally {
        await baseline.stop();
      }
    }
    if (results.parley && results.baseline) {
      results.ratio = {
        eventsPerSecond: ratio(results.parley.eventsPerSecond, results.baseline.eventsPerSecond),
        latencyP50: ratio(results.parley.latencyMs.p50, results.baseline.latencyMs.p50),
        latencyP99: ratio(results.parley.latencyMs.p99, results.baseline.latencyMs.p99),
        eventsPerCpuSecond: ratio(results.parley.eventsPerCpuSecond ?? 0, results.baseline.eventsPerCpuSecond ?? 0),
      };
    }
  }

  if (options.soak !== undefined) {
    // Half the highest sustained rate: a long run well inside what the server handles, so that what changes over time is the server's own doing.
    const soakRate = options.soak.messagesPerSecondPerParticipant ?? (parleyRamp?.best === undefined ? undefined : parleyRamp.best.messagesPerSecondPerParticipant / 2);
    if (soakRate === undefined) {
      results.soakNotRun = "the ramp sustained no step to take half the rate of; give one with --soak-rate.";
      log(`Soak: not run — ${results.soakNotRun}`);
    } else {
      log(`Soak (${options.soak.durationMs / 60_000} min at ${soakRate} msg/s per participant):`);
      // A fresh server, without the CPU profiler: what the ramp left behind is not the soak's to carry.
      const parley = await startParley({ ...parleyOptions, nodeFlags: [] });
      try {
        results.soak = await runSoak(
          { urls: parley.urls, nodes: parley.nodes, agentTokens: parley.agentTokens },
          {
            chats: options.chats,
            chatsPerAgent: options.chatsPerAgent,
            imageShare: options.imageShare,
            image,
            messagesPerSecondPerParticipant: soakRate,
            rateSource: options.soak.messagesPerSecondPerParticipant === undefined ? "ramp" : "option",
          },
          options.soak,
          log,
        );
      } finally {
        await parley.stop();
      }
    }
  }

  if (!options.skipIdle) {
    if (options.idleSockets > MAX_SERVER_SOCKETS) {
      log(`Idle test: ${options.idleSockets} sockets asked, but a server process may open ${SERVER_OPEN_FILES.limit} files here (prlimit cannot raise it): ${MAX_SERVER_SOCKETS} sockets.`);
      options.idleSockets = MAX_SERVER_SOCKETS;
    }
    log(`Idle test (${options.idleSockets} sockets):`);
    const parley = await startParley({ ...parleyOptions, agents: 0, nodeFlags: [] });
    let parleyIdle: IdleReport;
    try {
      parleyIdle = await runIdle("parley", parley.nodes[0]!, parley.urls, options.idleSockets, options.idleSettleMs, log);
    } finally {
      await parley.stop();
    }
    results.idle = {
      sockets: parleyIdle.sockets,
      bytesPerSocket: parleyIdle.rssBytesPerSocket,
      heapBytesPerSocket: parleyIdle.heapBytesPerSocket,
      externalBytesPerSocket: parleyIdle.externalBytesPerSocket,
      failures: parleyIdle.failures,
    };
    if (!options.skipBaseline) {
      const baseline = await startBaseline();
      try {
        results.idle.baseline = await runIdle("baseline", baseline, [baseline.url], options.idleSockets, options.idleSettleMs, log);
      } finally {
        await baseline.stop();
      }
    }
  }

  log("");
  log(markdown(results));
  log(`Run time: ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  if (json !== undefined) {
    await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
    log(`JSON written to ${json}`);
  }
  if (toDocs) {
    await writeDocs(DOCS, results, "");
    log(`Results written to ${DOCS}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
