/**
 * Two nodes composed from configuration alone (`databaseUrl`), on one
 * PostgreSQL database and one bus medium: each opens its own store and media
 * store, and a file uploaded to one node is served by the other.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { makePdf } from "../../../tests/support/media-files.js";
import { createAgent } from "../src/auth/agents.js";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { PgBlobStore } from "../src/blobs/postgres.js";
import { PostgresStore } from "../src/store/postgres.js";
import { RawClient, SECRET, startContact, startServer, type Frame, type Running } from "./helpers.js";
import { describePostgres, freshDatabase, queryDatabase, type TestDatabase } from "./pg-support.js";

const isEvent = (name: string) => (f: Frame) => f.t === "event" && f.name === name;

describePostgres("nodes on PostgreSQL", () => {
  let database: TestDatabase;
  let a: Running;
  let b: Running;
  beforeAll(async () => {
    database = await freshDatabase();
    const broker = new MemoryBroker();
    // Both start (and migrate) at the same time, as nodes of a cluster do.
    const node = () => startServer({ databaseUrl: database.url, secret: SECRET, bus: new MemoryBus({ broker }) });
    [a, b] = await Promise.all([node(), node()]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await database.drop();
  });

  it("keeps chats and media in PostgreSQL, where every node finds them", async () => {
    expect(a.server.store).toBeInstanceOf(PostgresStore);
    const agent = await createAgent(a.server.store.tenant("default"), { username: "ann", password: "secret-pass", nickname: "Ann" });
    const agentToken = (await b.server.tokens.issueAgent(agent)).token;

    const contact = await startContact(a.url, "Carl");
    const { client: customer } = await RawClient.connect(a.wsUrl, contact.token);
    expect(await customer.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
    const { client: agentClient } = await RawClient.connect(b.wsUrl, agentToken);
    expect(await agentClient.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true, result: { lastSeq: 2 } });

    // The customer uploads a document to node A and sends it there.
    const pdf = makePdf();
    const upload = await fetch(`${a.url}/v1/contacts/${contact.chatId}/uploads?messageType=DOCUMENT&fileName=terms.pdf`, {
      method: "POST",
      headers: { authorization: `Bearer ${contact.token}`, "content-type": "application/octet-stream" },
      body: new Uint8Array(pdf),
    });
    expect(upload.status).toBe(201);
    const { uploadId } = (await upload.json()) as { uploadId: string };
    const sent = await customer.request({ t: "send", chatId: contact.chatId, clientId: "doc-1", kind: "media", messageType: "DOCUMENT", uploadId });
    expect(sent).toMatchObject({ ok: true });

    // The agent on node B gets the message and downloads the file from node B.
    const event = await agentClient.next(isEvent("multimediaMessage"));
    const messageId = (event.data as { id: string }).id;
    const download = await fetch(`${b.url}/v1/contacts/${contact.chatId}/messages/${messageId}/media`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    // The bytes are in the database, not in either node's data directory.
    const [stored] = await queryDatabase<{ n: string }>(database.url, "select count(*) as n from blobs");
    expect(Number(stored?.n)).toBeGreaterThan(0);
    const blobs = new PgBlobStore({ connectionString: database.url });
    try {
      const media = await b.server.store.tenant("default").mediaOfMessage(contact.chatId, messageId);
      expect((await blobs.read(media?.fullsize.blobKey ?? ""))?.equals(pdf)).toBe(true);
    } finally {
      await blobs.close();
    }
    customer.close();
    agentClient.close();
  });
});
