/**
 * Agents' presence between two nodes on one in-process bus: sockets counted
 * per node, the later status wins wherever it was set, offline when the last
 * socket anywhere closes, and the counts of a node that stops repeating them
 * expire (the clock is the test's, so nothing waits).
 */
import { afterEach, expect, it } from "vitest";
import type { PresenceFrame } from "@parley/protocol";
import pino from "pino";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { DeskPresence } from "../src/desk/presence.js";
import { waitFor } from "../../../tests/support/wait.js";

const ALICE = "USER_00000000-0000-4000-8000-000000000001";
const logger = pino({ level: "silent" });
const opened: { close(): unknown }[] = [];

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

function cluster() {
  const broker = new MemoryBroker();
  let now = 1_000_000;
  const node = () => {
    const bus = new MemoryBus({ broker });
    const presence = new DeskPresence({ bus, logger, heartbeatMs: 100, now: () => now });
    opened.push(presence, bus);
    const heard: PresenceFrame[] = [];
    presence.watch("default", { write: (frame) => heard.push(JSON.parse(frame) as PresenceFrame) });
    return { presence, heard };
  };
  return { a: node(), b: node(), advance: (ms: number) => (now += ms) };
}

it("counts an agent's sockets on every node, and says offline when the last one closes", async () => {
  const { a, b } = cluster();
  a.presence.socketOpened("default", ALICE);
  await waitFor(() => b.presence.statusOf("default", ALICE) === "available", () => "node B to see alice available");
  b.presence.socketOpened("default", ALICE);
  await waitFor(() => a.presence.socketsOf("default", ALICE) === 2, () => "node A to count alice's socket on B");
  a.presence.socketClosed("default", ALICE);
  await waitFor(() => b.presence.socketsOf("default", ALICE) === 1, () => "node B to count alice's one socket left");
  expect(a.presence.statusOf("default", ALICE)).toBe("available");
  expect(b.presence.statusOf("default", ALICE)).toBe("available");
  b.presence.socketClosed("default", ALICE);
  await waitFor(() => a.presence.statusOf("default", ALICE) === "offline", () => "node A to see alice offline");
  expect(a.heard.map((f) => f.status)).toEqual(["available", "offline"]);
  expect(b.heard.map((f) => f.status)).toEqual(["available", "offline"]);
});

it("takes the status set last, on whichever node, and keeps it per tenant", async () => {
  const { a, b } = cluster();
  a.presence.socketOpened("default", ALICE);
  b.presence.socketOpened("default", ALICE);
  a.presence.statusSet("default", ALICE, "away", "2026-01-01T00:00:02.000Z");
  await waitFor(() => b.presence.statusOf("default", ALICE) === "away", () => "node B to take the status set on A");
  // An older status (read late from the store) changes nothing.
  b.presence.statusSet("default", ALICE, "available", "2026-01-01T00:00:01.000Z");
  expect(b.presence.statusOf("default", ALICE)).toBe("away");
  expect(b.presence.statusOf("acme", ALICE)).toBe("offline");
  b.presence.statusSet("default", ALICE, "available", "2026-01-01T00:00:03.000Z");
  await waitFor(() => a.presence.statusOf("default", ALICE) === "available", () => "node A to take the later status set on B");
});

it("forgets the counts of a node that stopped repeating them", async () => {
  const { a, b, advance } = cluster();
  a.presence.socketOpened("default", ALICE);
  await waitFor(() => b.presence.statusOf("default", ALICE) === "available", () => "node B to see alice available");
  // Node A goes silent (it died): past three heartbeats, B no longer believes it.
  a.presence.close();
  advance(299);
  b.presence.heartbeat();
  expect(b.presence.statusOf("default", ALICE)).toBe("available");
  advance(2);
  b.presence.heartbeat();
  expect(b.presence.statusOf("default", ALICE)).toBe("offline");
  expect(b.heard.map((f) => f.status)).toEqual(["available", "offline"]);
});

it("tells a new watcher who is online now", async () => {
  const { a } = cluster();
  a.presence.socketOpened("default", ALICE);
  const heard: string[] = [];
  a.presence.watch("default", { write: (frame) => heard.push(frame) });
  a.presence.watch("acme", { write: (frame) => heard.push(`acme ${frame}`) });
  expect(heard).toEqual([JSON.stringify({ t: "presence", agentId: ALICE, status: "available" })]);
});
