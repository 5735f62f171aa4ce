/**
 * Images off the ordered path, on real sockets against a real server: an
 * image sent inline is delivered and acknowledged at once (with its original
 * stripped of metadata), the texts after it are not held up, and
 * `multimediaMessageStored` follows once it is re-encoded. The test holds the
 * only turn of the server's image queue, so "before" and "after" are proved by
 * the order of events, not by timing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { MultimediaMessageEvent, MultimediaMessageStoredEvent } from "@parley/protocol";
import { ImageJobs } from "@parley/server";
import { makeJpeg, orientationOnlyExif } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const CAMERA = Buffer.from("Fixture Camera 3000");

let server: InProcessServer;
let tokens: Record<string, string>;
const imageJobs = new ImageJobs({ concurrent: 1, queued: 16, perClient: 8 });

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["alice"], { imageJobQueue: imageJobs }));
});

afterAll(async () => {
  await server.close();
});

/** Holds the image queue's only turn until `release()`: no image is processed meanwhile. */
function holdImageQueue(): { release: () => Promise<void> } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const place = imageJobs.admit("test-gate");
  const held = place.run(() => gate).finally(() => place.release());
  return {
    release: async () => {
      open();
      await held;
    },
  };
}

/** Every event a contact receives, in order, with the images' bytes wherever an event carries them. */
function record(contact: Contact) {
  const order: string[] = [];
  const media: MultimediaMessageEvent[] = [];
  const stored: MultimediaMessageStoredEvent[] = [];
  contact.on("multimediaMessage", (event) => {
    media.push(event);
    order.push(`media:${event.id}`);
  });
  contact.on("multimediaMessageStored", (event) => {
    stored.push(event);
    order.push(`stored:${event.messageID}`);
  });
  contact.on("message", (event) => order.push(`text:${event.content.text}`));
  return { order, media, stored };
}

async function chat() {
  const customerSdk = createLiveChatSdk();
  customerSdk.init({ serverUrl: server.url });
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: server.url });
  await agentSdk.LIVECHAT.login(tokens.alice!, false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
  return {
    chatId: customer.contact.id,
    customer,
    agent,
    atAgent: record(agent),
    atCustomer: record(customer),
    history: () => agentSdk.LIVECHAT.getChatHistory(customer.contact.id, true),
    close: () => Promise.all([customerSdk.LIVECHAT.logout(), agentSdk.LIVECHAT.logout()]),
  };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** Every way a recipient gets the file's bytes: the three download formats (thumbnail when there is one). */
async function downloads(contact: Contact, chatId: string, messageId: string, withThumbnail: boolean): Promise<Buffer[]> {
  const full = await contact.GetMultimediaMessageInActiveChat(chatId, messageId, "fullsize");
  const link = await contact.GetMultimediaMessageInActiveChat(chatId, messageId, "link");
  const linked = Buffer.from(await (await fetch(String(link.data.content.url))).arrayBuffer());
  const files = [Buffer.from(full.data.content.img ?? "", "base64"), linked];
  if (withThumbnail) {
    const thumb = await contact.GetMultimediaMessageInActiveChat(chatId, messageId, "thumbnail");
    files.push(Buffer.from(thumb.data.content.img ?? "", "base64"));
  }
  return files;
}

describe("an image sent inline", () => {
  it("is acknowledged and delivered, and the text after it too, before its processing; seq order is send order", async () => {
    const c = await chat();
    const photo = await makeJpeg({ width: 1600, height: 1200 });
    const queue = holdImageQueue();
    // Both sent in one go and both acknowledged while no image can be processed.
    const [image, textId] = await Promise.all([
      c.customer.SendMultimediaMessage("IMAGE", { img: base64(photo), caption: "the damage", fileName: "a.jpg" }),
      c.customer.sendMessage("right after the image"),
    ]);
    await waitFor(() => c.atAgent.order.length === 2, () => `the agent to get both messages: ${c.atAgent.order.join(", ")}`);
    expect(c.atAgent.order).toEqual([`media:${image.id}`, "text:right after the image"]);
    expect(imageJobs.queued).toBe(1); // the image's job, waiting for its turn
    expect(c.atAgent.media[0]?.content.img).toBeDefined(); // the clean original rides inline at once
    // Before it is stored, the fullsize is the stripped original and the thumbnail is not ready.
    const early = await c.agent.GetMultimediaMessageInActiveChat(c.chatId, image.id, "fullsize");
    expect(Buffer.from(early.data.content.img ?? "", "base64").equals(Buffer.from(c.atAgent.media[0]?.content.img ?? "", "base64"))).toBe(true);
    await expect(c.agent.GetMultimediaMessageInActiveChat(c.chatId, image.id, "thumbnail")).rejects.toMatchObject({ code: "MEDIA_NOT_READY" });

    await queue.release();
    await waitFor(() => c.atAgent.stored.length === 1 && c.atCustomer.stored.length === 1, () => "both sides to get multimediaMessageStored");
    expect(c.atAgent.order).toEqual([`media:${image.id}`, "text:right after the image", `stored:${image.id}`]);
    expect(c.atAgent.stored[0]).toMatchObject({ messageID: image.id, formats: { fullsize: { mimeType: "image/jpeg" }, thumbnail: { mimeType: "image/jpeg" } } });
    expect(c.atAgent.stored[0]?.error).toBeUndefined();
    const history = await c.history();
    expect(history.messages.map((entry) => entry.data.id)).toEqual([image.id, textId]);
    await c.close();
  });

  it("never lets an EXIF GPS position reach a recipient: not in an event, not in a download, before or after storing", async () => {
    const c = await chat();
    const photo = await makeJpeg({ width: 400, height: 200, orientation: 6, gps: true });
    expect(photo.includes(CAMERA)).toBe(true);
    const queue = holdImageQueue();
    const image = await c.customer.SendMultimediaMessage("IMAGE", { img: base64(photo), fileName: "gps.jpg" });
    // The sender's SDK resolves its send with the message instead of echoing it as an event.
    await waitFor(() => c.atAgent.media.length === 1, () => "the agent to get the image");
    const before = [
      ...[...c.atAgent.media, ...c.atCustomer.media].map((event) => Buffer.from(event.content.img ?? "", "base64")),
      ...(await downloads(c.agent, c.chatId, image.id, false)),
    ];
    await queue.release();
    await waitFor(() => c.atAgent.stored.length === 1 && c.atCustomer.stored.length === 1, () => "both sides to get multimediaMessageStored");
    const after = await downloads(c.agent, c.chatId, image.id, true);
    for (const bytes of before) {
      expect(bytes.includes(CAMERA)).toBe(false);
      expect((await sharp(bytes).metadata()).exif).toEqual(orientationOnlyExif(6));
    }
    for (const bytes of after) {
      expect(bytes.includes(CAMERA)).toBe(false);
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    }
    // The events' JSON carry nothing else of the file: only the Base64 already checked above.
    for (const event of [...c.atAgent.stored, ...c.atCustomer.stored]) expect(JSON.stringify(event).includes("Fixture")).toBe(false);
    await c.close();
  });

  it("that cannot be decoded is delivered, then marked failed with a coded notice to both sides", async () => {
    const c = await chat();
    // Sound structure and header, but the scan stops short: only decoding finds out.
    const whole = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#36c" } }).jpeg().toBuffer();
    const sos = whole.lastIndexOf(Buffer.from([0xff, 0xda]));
    const broken = Buffer.concat([whole.subarray(0, sos + 2 + whole.readUInt16BE(sos + 2) + 4), Buffer.from([0xff, 0xd9])]);
    const image = await c.customer.SendMultimediaMessage("IMAGE", { img: base64(broken), fileName: "broken.jpg" });
    await c.customer.sendMessage("after the broken image");
    await waitFor(
      () => c.atAgent.stored.length === 1 && c.atCustomer.stored.length === 1,
      () => `both sides to get the failure notice: agent ${c.atAgent.order.join(", ")}; customer ${c.atCustomer.order.join(", ")}`,
    );
    for (const notice of [c.atAgent.stored[0], c.atCustomer.stored[0]]) {
      expect(notice).toMatchObject({ messageID: image.id, error: { code: "MEDIA_PROCESSING_FAILED", details: { reason: "MEDIA_CORRUPT" } } });
      expect(notice?.formats.thumbnail).toBeUndefined();
    }
    expect(c.atAgent.order).toEqual([`media:${image.id}`, "text:after the broken image", `stored:${image.id}`]);
    await expect(c.agent.GetMultimediaMessageInActiveChat(c.chatId, image.id, "thumbnail")).rejects.toMatchObject({
      code: "MEDIA_PROCESSING_FAILED",
    });
    await c.close();
  });
});

describe("a send refused for the image queue", () => {
  const strict = new ImageJobs({ concurrent: 1, queued: 1, perClient: 8 });
  let strictServer: InProcessServer;
  let agentToken: string;

  beforeAll(async () => {
    const started = await startServerWithAgents(["alice"], { imageJobQueue: strict });
    strictServer = started.server;
    agentToken = started.tokens.alice!;
  });

  afterAll(async () => {
    await strictServer.close();
  });

  /** How many refusals the server has answered with RATE_LIMITED. */
  async function rateLimited(): Promise<number> {
    const text = await (await fetch(`${strictServer.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith('parley_errors_total{code="RATE_LIMITED"}'));
    return line === undefined ? 0 : Number(line.split(" ").at(-1));
  }

  it("is retried in its place: the sends behind it are not committed before it", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: strictServer.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: strictServer.url });
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
    const atAgent = record(agent);

    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const holder = strict.admit("test-gate");
    const held = holder.run(() => gate).finally(() => holder.release());
    const photo = base64(await makeJpeg({ width: 64, height: 48 }));
    // The first image takes the queue's only place while the test holds the turn; the second finds the queue full.
    const sending = Promise.all([
      customer.SendMultimediaMessage("IMAGE", { img: photo, fileName: "first.jpg" }),
      customer.SendMultimediaMessage("IMAGE", { img: photo, fileName: "second.jpg" }),
      customer.sendMessage("third"),
    ]);
    await waitFor(async () => (await rateLimited()) >= 1, () => "the second image to be refused with RATE_LIMITED");
    open();
    await held;
    const [first, second, thirdId] = await sending;
    await waitFor(() => atAgent.order.filter((e) => !e.startsWith("stored:")).length === 3, () => `all three at the agent: ${atAgent.order.join(", ")}`);
    expect(atAgent.order.filter((e) => !e.startsWith("stored:"))).toEqual([`media:${first.id}`, `media:${second.id}`, "text:third"]);
    const history = await agentSdk.LIVECHAT.getChatHistory(customer.contact.id, true);
    expect(history.messages.map((entry) => entry.data.id)).toEqual([first.id, second.id, thirdId]);
    await Promise.all([customerSdk.LIVECHAT.logout(), agentSdk.LIVECHAT.logout()]);
  });
});
