/**
 * Internal notes across two in-process nodes sharing one store and one bus:
 * an agent's note on node A reaches the supervisor monitoring on node B, the
 * whisper comes back the other way, and the customer's socket on node B gets
 * neither — nor anything of the monitor.
 */
import { expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { RawClient, SECRET, startContact, startServer, tempDir, type Frame } from "./helpers.js";

it("delivers notes and whispers to agents on the other node, and never to the customer", async () => {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  const broker = new MemoryBroker();
  const a = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  const b = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  try {
    const alice = await createAgent(store.tenant("default"), { username: "alice", password: "secret-pass" });
    const sam = await createAgent(store.tenant("default"), { username: "sam", password: "secret-pass", role: "supervisor" });
    const contact = await startContact(b.url, "Carl");
    const { client: customer } = await RawClient.connect(b.wsUrl, contact.token);
    await customer.request({ t: "join", chatId: contact.chatId });
    const { client: agent } = await RawClient.connect(a.wsUrl, (await a.server.tokens.issueAgent(alice)).token);
    await agent.request({ t: "join", chatId: contact.chatId });
    await customer.next((f) => f.t === "event" && f.name === "userAdded");
    const { client: supervisor } = await RawClient.connect(b.wsUrl, (await b.server.tokens.issueAgent(sam)).token);
    const monitored = await supervisor.request({ t: "join", chatId: contact.chatId, monitor: true });
    expect(monitored).toMatchObject({ ok: true, result: { monitor: true, notes: [] } });

    expect(await agent.request({ t: "note", chatId: contact.chatId, text: "secret note from node A" })).toMatchObject({ ok: true, result: { note: { kind: "note" } } });
    const heard = await supervisor.next((f) => f.t === "note");
    expect((heard.note as { text: string }).text).toBe("secret note from node A");
    expect(await supervisor.request({ t: "note", chatId: contact.chatId, text: "secret whisper from node B" })).toMatchObject({ ok: true, result: { note: { kind: "whisper" } } });
    // The author's own sockets get the note too (as they get their own events); the whisper crossed the bus.
    const whisper = await agent.next((f) => f.t === "note" && (f.note as { kind: string }).kind === "whisper");
    expect((whisper.note as { text: string }).text).toBe("secret whisper from node B");

    // A message after the notes: once the customer has it, anything sent before it would have arrived too.
    await agent.request({ t: "send", chatId: contact.chatId, clientId: "m1", kind: "text", text: "fence" });
    await customer.next((f) => f.t === "event" && f.name === "message");
    const everything: readonly Frame[] = customer.unconsumed;
    expect(JSON.stringify(everything)).not.toContain("secret");
    expect(everything.filter((f) => f.t === "note" || f.name === "userAdded")).toEqual([]);
    customer.close();
    agent.close();
    supervisor.close();
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
    dir.remove();
  }
});
