/**
 * Image processing is durable: SIGKILL the server after image messages are
 * committed and acknowledged but before their processing ends, start it again
 * on the same data, and every image is processed and announced with
 * `multimediaMessageStored`: none is left with a file nobody said anything about.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { createLiveChatSdk } from "@parley/sdk";
import type { MultimediaMessageStoredEvent } from "@parley/protocol";
import { makeJpeg } from "./support/media-files.js";
import { addAgent, freePort, loginAgent, ServerProcess, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

/** Images of 12 MP (a few KiB as JPEG, so they ride inline) take the single image job a while each. */
const IMAGES = 6;

let data: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;

beforeAll(async () => {
  data = await tempDataDir();
  await addAgent(data.dir, "alice", "alice-password");
  server = new ServerProcess(await freePort(), data.dir, { PARLEY_IMAGE_JOBS: "1", PARLEY_IMAGE_JOBS_PER_ADDRESS: "16" });
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await data.remove();
});

/** The media rows by processing state, read from the killed server's database. */
function mediaStates(): Record<string, number> {
  const db = new Database(join(data.dir, "parley.db"), { readonly: true });
  try {
    const rows = db.prepare("select state, count(*) as n from media group by state").all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.state, row.n]));
  } finally {
    db.close();
  }
}

describe("server killed with SIGKILL while images are processed", () => {
  it("finishes their processing after the restart and tells both sides", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const chatId = customer.contact.id;
    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: server.url });
    await agentSdk.LIVECHAT.login(await loginAgent(server.url, "alice", "alice-password"), false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(chatId, "Alice");
    const atAgent: MultimediaMessageStoredEvent[] = [];
    const atCustomer: MultimediaMessageStoredEvent[] = [];
    agent.on("multimediaMessageStored", (event) => atAgent.push(event));
    customer.on("multimediaMessageStored", (event) => atCustomer.push(event));

    const photo = await makeJpeg({ width: 4000, height: 3000 });
    expect(photo.length).toBeLessThan(256 * 1024);
    const sent: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const message = await customer.SendMultimediaMessage("IMAGE", { img: Buffer.from(photo).toString("base64"), fileName: `p${i}.jpg` });
      sent.push(message.id);
    }
    await server.kill();
    // Every message was acknowledged, so committed; some of their images were still waiting or being processed.
    const killed = mediaStates();
    expect(killed.pending ?? 0).toBeGreaterThan(0);

    await server.start();
    await waitFor(
      () => new Set(atAgent.map((e) => e.messageID)).size === IMAGES && new Set(atCustomer.map((e) => e.messageID)).size === IMAGES,
      () => `every image's multimediaMessageStored: agent ${atAgent.length}, customer ${atCustomer.length} of ${IMAGES}`,
      60_000,
    );
    expect([...new Set(atAgent.map((e) => e.messageID))].sort()).toEqual([...sent].sort());
    for (const notice of atAgent) {
      expect(notice.error).toBeUndefined();
      expect(notice.formats.thumbnail).toMatchObject({ mimeType: "image/jpeg" });
    }
    // Once per message: resumed jobs do not announce twice.
    expect(atAgent).toHaveLength(IMAGES);
    expect(mediaStates()).toEqual({ stored: IMAGES });
    const thumb = await agent.GetMultimediaMessageInActiveChat(chatId, sent.at(-1)!, "thumbnail");
    expect(thumb.data.content.img).toBeDefined();
    await Promise.all([customerSdk.LIVECHAT.logout(), agentSdk.LIVECHAT.logout()]);
  });
});
