/**
 * CPU pinning with `taskset` and raised file-descriptor limits with `prlimit`,
 * where the machine has them: the server and the load generator each get a core
 * of their own, so that neither measures the other's work.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";

function has(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const hasTaskset = has("taskset");

/**
 * Niceness of the server and load processes. On a machine shared with other
 * work, a raised priority (negative, root only) keeps their bursts from
 * landing in the measured latencies; elsewhere the processes keep the default.
 */
export const BENCH_NICENESS = -10;
const canRaisePriority = (() => {
  try {
    execFileSync("nice", ["-n", String(BENCH_NICENESS), "true"], { stdio: "ignore" });
    return execFileSync("nice", ["-n", String(BENCH_NICENESS), "nice"], { encoding: "utf8" }).trim() === String(BENCH_NICENESS);
  } catch {
    return false;
  }
})();

/** Whether `prlimit` may raise a child's open-files limit to `n` (it needs the right to raise the hard limit). */
function canRaiseOpenFiles(n: number): boolean {
  try {
    execFileSync("prlimit", [`--nofile=${n}:${n}`, "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** This process's hard limit of open files (children inherit it unless raised). */
export function openFilesHardLimit(): number {
  try {
    return Number(execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim()) || Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The open files a child may have: `wanted` if `prlimit` can grant it, else
 * the inherited hard limit.
 */
export function openFilesFor(wanted: number): { limit: number; raised: boolean } {
  const inherited = openFilesHardLimit();
  if (wanted <= inherited) return { limit: wanted, raised: false };
  if (has("prlimit") && canRaiseOpenFiles(wanted)) return { limit: wanted, raised: true };
  return { limit: inherited, raised: false };
}

/** The cores a role runs on: the server on the first, load on the last (the same one on a 1-core machine). */
export function coreFor(role: "server" | "load"): number | undefined {
  if (!hasTaskset) return undefined;
  const cores = os.cpus().length;
  return role === "server" ? 0 : cores - 1;
}

/**
 * Prefixes a command with `nice` (see {@link BENCH_NICENESS}), `prlimit` (open files, when given: see {@link openFilesFor}) and `taskset` (core). Both
 * exec the command, so the spawned process id is the command's own.
 */
export function wrapCommand(command: string, args: string[], options: { core?: number; openFiles?: number }): [string, string[]] {
  let wrapped: [string, string[]] = [command, args];
  if (canRaisePriority) wrapped = ["nice", ["-n", String(BENCH_NICENESS), wrapped[0], ...wrapped[1]]];
  if (options.core !== undefined && hasTaskset) wrapped = ["taskset", ["-c", String(options.core), wrapped[0], ...wrapped[1]]];
  if (options.openFiles !== undefined) {
    wrapped = ["prlimit", [`--nofile=${options.openFiles}:${options.openFiles}`, wrapped[0], ...wrapped[1]]];
  }
  return wrapped;
}

/**
 * With the kernel's autogroup scheduling (one group per session), `nice` only
 * ranks processes inside their own session: a bench process is spawned in a
 * session of its own (`detached`), and that session's group gets the raised
 * priority too. Returns whether it did.
 */
export function raiseGroupPriority(pid: number): boolean {
  if (!canRaisePriority || !existsSync(`/proc/${pid}/autogroup`)) return false;
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(BENCH_NICENESS));
    return true;
  } catch {
    return false;
  }
}

/** One line saying where things run, for the report. */
export function describePinning(): string {
  const server = coreFor("server");
  const load = coreFor("load");
  const autogroup = existsSync("/proc/self/autogroup") ? " (and their session's scheduling group)" : "";
  const priority = canRaisePriority ? `, both at niceness ${BENCH_NICENESS}${autogroup}` : "";
  if (server === undefined || load === undefined) return `taskset not available: processes are not pinned${priority}`;
  return `server pinned to core ${server}, load generator to core ${load} (taskset)${priority}`;
}
