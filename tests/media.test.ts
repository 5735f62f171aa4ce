/**
 * Images and documents end to end: two SDK users on real sockets against a
 * real server, with files made by the tests themselves. Every accepted type
 * round-trips; small files ride inline and large ones come as metadata, then
 * `multimediaMessageStored`; images are re-encoded without their metadata,
 * resized and given thumbnails; downloads carry safe headers and are
 * authorised like the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { MultimediaMessageEvent, MultimediaMessageStoredEvent, StartContactResponse } from "@parley/protocol";
import {
  makeDoc,
  makeDocx,
  makeJpeg,
  makeNoisyJpeg,
  makePdf,
  makePng,
  makePpt,
  makePptx,
  makeXls,
  makeXlsx,
  orientationOnlyExif,
} from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let tokens: Record<string, string>;

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["alice", "bob"]));
});

afterAll(async () => {
  await server?.close();
});

/** A customer with a chat and Alice joined to it, each recording what they receive. */
async function chatWithAgent() {
  // Started over REST, as a web site's back end would, so the test holds the customer's token.
  const started = (await (
    await fetch(`${server.url}/v1/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nickname: "Carla" }),
    })
  ).json()) as StartContactResponse;
  const customerSdk = createLiveChatSdk();
  customerSdk.init({ serverUrl: server.url });
  await customerSdk.LIVECHAT.login(started.token, false, false, () => {});
  const customer = await customerSdk.LIVECHAT.joinContact(started.contact.id, "Carla");
  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: server.url });
  await agentSdk.LIVECHAT.login(tokens.alice!, false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
  const atAgent = record(agent);
  const atCustomer = record(customer);
  return {
    chatId: customer.contact.id,
    customer,
    agent,
    atAgent,
    atCustomer,
    customerToken: started.token,
    close: () => Promise.all([customerSdk.LIVECHAT.logout(), agentSdk.LIVECHAT.logout()]),
  };
}

function record(contact: Contact) {
  const media: MultimediaMessageEvent[] = [];
  const stored: MultimediaMessageStoredEvent[] = [];
  const texts: string[] = [];
  const order: string[] = [];
  contact.on("multimediaMessage", (event) => {
    media.push(event);
    order.push(`media:${event.id}`);
  });
  contact.on("multimediaMessageStored", (event) => {
    stored.push(event);
    order.push(`stored:${event.messageID}`);
  });
  contact.on("message", (event) => texts.push(event.content.text));
  return { media, stored, texts, order };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("every accepted type", () => {
  it("round-trips between two SDK users, typed by its bytes", async () => {
    const chat = await chatWithAgent();
    const documents: [string, Buffer][] = [
      ["PDF", makePdf()],
      ["DOC", makeDoc()],
      ["DOCX", makeDocx()],
      ["PPT", makePpt()],
      ["PPTX", makePptx()],
      ["XLS", makeXls()],
      ["XLSX", makeXlsx()],
    ];
    const sent: string[] = [];
    for (const [type, bytes] of documents) {
      // documentType and fileName say nothing true: the server decides from the bytes.
      const message = await chat.customer.SendMultimediaMessage("DOCUMENT", {
        document: base64(bytes),
        caption: `the ${type}`,
        fileName: `file-${type.toLowerCase()}`,
        documentType: "PDF",
      });
      expect(message.id).toMatch(/^MSG_/);
      expect(message.content.documentType).toBe(type);
      sent.push(message.id);
    }
    const png = await makePng({ width: 64, height: 48 });
    const jpeg = await makeJpeg({ width: 80, height: 60 });
    // The agent sends the images, as Base64 and as bytes.
    const pngMessage = await chat.agent.SendMultimediaMessage("IMAGE", { img: base64(png), caption: "png", fileName: "a.png", documentType: "PNG" });
    const jpegMessage = await chat.agent.SendMultimediaMessage("IMAGE", { img: new Uint8Array(jpeg), caption: "jpeg", fileName: "b.jpg", documentType: "JPG" });

    await waitFor(() => chat.atAgent.media.length === documents.length, () => `the agent to get ${documents.length} documents`);
    await waitFor(() => chat.atCustomer.media.length === 2, () => "the customer to get 2 images");
    expect(chat.atAgent.media.map((event) => event.id)).toEqual(sent);
    chat.atAgent.media.forEach((event, i) => {
      const [type, bytes] = documents[i]!;
      expect(event.messageType).toBe("DOCUMENT");
      expect(event.content).toMatchObject({
        documentType: type,
        caption: `the ${type}`,
        fileName: `file-${type.toLowerCase()}.${type.toLowerCase()}`,
        size: bytes.length,
        inline: true,
        user: { nickname: "Carla", isAgent: false },
      });
      // Documents are stored as sent: byte for byte.
      expect(Buffer.from(event.content.document ?? "", "base64").equals(bytes)).toBe(true);
    });
    const [gotPng, gotJpeg] = chat.atCustomer.media;
    expect(gotPng).toMatchObject({ id: pngMessage.id, messageType: "IMAGE", content: { documentType: "PNG", mimeType: "image/png", width: 64, height: 48, inline: true, user: { nickname: "Alice", isAgent: true } } });
    expect(gotJpeg).toMatchObject({ id: jpegMessage.id, messageType: "IMAGE", content: { documentType: "JPEG", mimeType: "image/jpeg", width: 80, height: 60, fileName: "b.jpg" } });
    expect((await sharp(Buffer.from(gotPng!.content.img ?? "", "base64")).metadata()).format).toBe("png");
    expect((await sharp(Buffer.from(gotJpeg!.content.img ?? "", "base64")).metadata()).format).toBe("jpeg");
    // Documents ride inline as stored: no notice follows them. Images sent
    // inline are re-encoded after their message, and each one's notice follows.
    await waitFor(() => chat.atAgent.stored.length === 2, () => `the agent to get 2 stored notices, got ${chat.atAgent.stored.length}`);
    expect(chat.atAgent.stored.map((event) => event.messageID).sort()).toEqual([pngMessage.id, jpegMessage.id].sort());
    expect(chat.atAgent.stored.some((event) => sent.includes(event.messageID))).toBe(false);
    await chat.close();
  });
});

describe("large files", () => {
  it("come as metadata only, followed by multimediaMessageStored, and are fetched in three formats", async () => {
    const chat = await chatWithAgent();
    const photo = await makeNoisyJpeg(2600, 1800);
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    const progress: number[] = [];
    const message = await chat.customer.SendMultimediaMessage(
      "IMAGE",
      { img: base64(photo), caption: "the damage", fileName: "IMG_0001.JPG" },
      { onProgress: (sent) => progress.push(sent) },
    );
    expect(progress.at(-1)).toBe(photo.length);
    await waitFor(() => chat.atAgent.stored.length === 1, () => "the agent to get multimediaMessageStored");
    const [event] = chat.atAgent.media;
    expect(event?.id).toBe(message.id);
    expect(event?.content.inline).toBe(false);
    expect(event?.content.img).toBeUndefined();
    // Longest side 2,600 > 2,048 and over 1 MiB: resized to fit both (noise may need more than 2,048 px to fit 1 MiB).
    const width = event?.content.width ?? 0;
    const height = event?.content.height ?? 0;
    expect(width).toBeLessThanOrEqual(2048);
    expect(Math.abs(width / height - 2600 / 1800)).toBeLessThan(0.01);
    expect(event?.content.size).toBeLessThanOrEqual(1024 * 1024);
    expect(chat.atAgent.order).toEqual([`media:${message.id}`, `stored:${message.id}`]);
    expect(chat.atAgent.stored[0]).toMatchObject({
      messageID: message.id,
      messageType: "IMAGE",
      resized: true,
      originalSize: photo.length,
      formats: { fullsize: { mimeType: "image/jpeg", width, height }, thumbnail: { mimeType: "image/jpeg", width: 320 } },
    });
    // Everyone gets the notice, the sender too.
    await waitFor(() => chat.atCustomer.stored.length === 1, () => "the sender to get multimediaMessageStored");

    const full = await chat.agent.GetMultimediaMessageInActiveChat(chat.chatId, message.id, "fullsize");
    expect(full).toMatchObject({ result: true, error: null, data: { chatID: chat.chatId, messageID: message.id, messageType: "IMAGE", format: "fullsize" } });
    expect(full.data.content).toMatchObject({ caption: "the damage", fileName: "IMG_0001.JPG", documentType: "JPEG", user: { nickname: "Carla" } });
    const fullMeta = await sharp(Buffer.from(full.data.content.img ?? "", "base64")).metadata();
    expect([fullMeta.width, fullMeta.height]).toEqual([width, height]);
    expect(fullMeta.exif).toBeUndefined();

    const thumb = await chat.agent.GetMultimediaMessageInActiveChat(chat.chatId, message.id, "thumbnail");
    const thumbMeta = await sharp(Buffer.from(thumb.data.content.img ?? "", "base64")).metadata();
    expect(Math.max(thumbMeta.width ?? 0, thumbMeta.height ?? 0)).toBe(320);

    const link = await chat.agent.GetMultimediaMessageInActiveChat(chat.chatId, message.id, "link");
    expect(link.data.format).toBe("link");
    expect(link.data.content.img).toBeUndefined();
    const url = String(link.data.content.url);
    expect(url.startsWith(server.url)).toBe(true);
    // The link needs no token.
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(full.data.content.img ?? "", "base64"))).toBe(true);
    await chat.close();
  });

  it("a large document is kept byte for byte and has no thumbnail", async () => {
    const chat = await chatWithAgent();
    const doc = makeDoc({ padding: 600 * 1024 });
    const message = await chat.agent.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(doc), caption: "", fileName: "terms.doc" });
    await waitFor(() => chat.atCustomer.stored.length === 1, () => "the customer to get multimediaMessageStored");
    expect(chat.atCustomer.media[0]?.content).toMatchObject({ documentType: "DOC", size: doc.length, inline: false });
    expect(chat.atCustomer.stored[0]).toMatchObject({ resized: false, formats: { fullsize: { size: doc.length, mimeType: "application/msword" } } });
    const full = await chat.customer.GetMultimediaMessageInActiveChat(chat.chatId, message.id);
    expect(Buffer.from(full.data.content.document ?? "", "base64").equals(doc)).toBe(true);
    await expect(chat.customer.GetMultimediaMessageInActiveChat(chat.chatId, message.id, "thumbnail")).rejects.toMatchObject({
      code: "MEDIA_FORMAT_UNAVAILABLE",
    });
    await chat.close();
  });
});

describe("images are re-encoded", () => {
  it("with their orientation applied and EXIF/GPS removed", async () => {
    const chat = await chatWithAgent();
    // Stored 400×200 with EXIF orientation 6 (rotate 90° clockwise to view), a camera model and a GPS position.
    const photo = await makeJpeg({ width: 400, height: 200, orientation: 6, gps: true });
    const original = await sharp(photo).metadata();
    expect(original.exif).toBeDefined();
    const message = await chat.customer.SendMultimediaMessage("IMAGE", { img: base64(photo), caption: "", fileName: "p.jpg" });
    await waitFor(() => chat.atAgent.media.length === 1, () => "the agent to get the photo");
    const event = chat.atAgent.media[0]!;
    expect([event.content.width, event.content.height]).toEqual([200, 400]);
    // Delivered at once: the original with its metadata stripped, keeping only an EXIF that holds the orientation.
    const inline = Buffer.from(event.content.img ?? "", "base64");
    const inlineMeta = await sharp(inline).metadata();
    expect([inlineMeta.width, inlineMeta.height, inlineMeta.orientation]).toEqual([400, 200, 6]);
    expect(inlineMeta.exif).toEqual(orientationOnlyExif(6));
    expect(inline.includes(Buffer.from("Fixture Camera 3000"))).toBe(false);
    // Once processed: upright, with no metadata at all, and a thumbnail.
    await waitFor(() => chat.atAgent.stored.length === 1, () => "the agent to get multimediaMessageStored");
    expect(chat.atAgent.stored[0]).toMatchObject({ messageID: message.id, formats: { fullsize: { width: 200, height: 400 }, thumbnail: { width: 160, height: 320 } } });
    const fetched = await chat.agent.GetMultimediaMessageInActiveChat(chat.chatId, message.id);
    const received = Buffer.from(fetched.data.content.img ?? "", "base64");
    const meta = await sharp(received).metadata();
    expect([meta.width, meta.height]).toEqual([200, 400]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(received.includes(Buffer.from("Fixture Camera 3000"))).toBe(false);
    await chat.close();
  });
});

describe("history", () => {
  it("includes media messages with their metadata, in history calls and in a first join", async () => {
    const chat = await chatWithAgent();
    const png = await makePng({ width: 30, height: 20 });
    const image = await chat.customer.SendMultimediaMessage("IMAGE", { img: base64(png), caption: "see", fileName: "x.png" });
    const pdf = await chat.customer.SendMultimediaMessage("DOCUMENT", { document: base64(makePdf()), caption: "read", fileName: "y.pdf" });
    await chat.customer.sendMessage("text after");

    const bobSdk = createLiveChatSdk();
    bobSdk.init({ serverUrl: server.url });
    await bobSdk.LIVECHAT.login(tokens.bob!, false, false, () => {});
    const bob = await bobSdk.LIVECHAT.joinContact(chat.chatId, "Bob");
    const history = await bobSdk.LIVECHAT.getChatHistory(chat.chatId, true);
    for (const messages of [history.messages, bob.history.messages]) {
      const media = messages.filter((entry) => entry.data.messageType !== "TEXT");
      expect(media.map((entry) => entry.data.id)).toEqual([image.id, pdf.id]);
      expect(media[0]?.data.content).toMatchObject({ caption: "see", fileName: "x.png", documentType: "PNG", width: 30, height: 20, inline: false });
      expect(media[1]?.data.content).toMatchObject({ caption: "read", fileName: "y.pdf", documentType: "PDF", mimeType: "application/pdf", inline: false });
      // History carries metadata only: the bytes are fetched when wanted.
      expect(JSON.stringify(media)).not.toMatch(/"img"|"document"/);
    }
    await bobSdk.LIVECHAT.logout();
    await chat.close();
  });
});

describe("HTTP download", () => {
  it("serves the detected type as an attachment, authorised like the chat", async () => {
    const chat = await chatWithAgent();
    const other = await chatWithAgent();
    const pdf = makePdf();
    const message = await chat.agent.SendMultimediaMessage("DOCUMENT", { document: base64(pdf), caption: "", fileName: "Relevé « mars ».pdf" });
    const path = `${server.url}/v1/contacts/${chat.chatId}/messages/${message.id}/media`;

    const asCustomer = await fetch(path, { headers: { authorization: `Bearer ${chat.customerToken}` } });
    expect(asCustomer.status).toBe(200);
    expect(asCustomer.headers.get("content-type")).toBe("application/pdf");
    expect(asCustomer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(asCustomer.headers.get("cache-control")).toMatch(/^private/);
    const disposition = asCustomer.headers.get("content-disposition") ?? "";
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(disposition).toContain(encodeURIComponent("Relevé"));
    expect(Buffer.from(await asCustomer.arrayBuffer()).equals(pdf)).toBe(true);

    // A valid token for another chat opens nothing here.
    const wrongChat = await fetch(path, { headers: { authorization: `Bearer ${other.customerToken}` } });
    expect(wrongChat.status).toBe(403);
    expect(await wrongChat.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    // Any agent of the install reads any chat, joined or not (the one access rule, auth/access.ts).
    const otherAgent = await fetch(path, { headers: { authorization: `Bearer ${tokens.bob}` } });
    expect(otherAgent.status).toBe(200);
    expect(Buffer.from(await otherAgent.arrayBuffer()).equals(pdf)).toBe(true);
    const anonymous = await fetch(path);
    expect(anonymous.status).toBe(401);
    // The other chat's path with this message id finds nothing, whoever asks.
    const crossPath = await fetch(`${server.url}/v1/contacts/${other.chatId}/messages/${message.id}/media`, {
      headers: { authorization: `Bearer ${other.customerToken}` },
    });
    expect(await crossPath.json()).toMatchObject({ error: { code: "MESSAGE_NOT_FOUND" } });

    // A signed link works alone, and only for what it was signed for.
    const link = await chat.customer.GetMultimediaMessageInActiveChat(chat.chatId, message.id, "link");
    const url = new URL(String(link.data.content.url));
    expect((await fetch(url)).status).toBe(200);
    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1000));
    expect(await (await fetch(tampered)).json()).toMatchObject({ error: { code: "MEDIA_LINK_INVALID" } });
    const moved = new URL(url.href.replace(chat.chatId, other.chatId));
    expect(await (await fetch(moved)).json()).toMatchObject({ error: { code: "MEDIA_LINK_INVALID" } });

    // The original product's back-office download, with an agent token.
    const compat = await fetch(`${server.url}/livechat/default/downloadDocument/${chat.chatId}/${message.id}`, {
      headers: { ctlivetoken: tokens.alice! },
    });
    expect(compat.status).toBe(200);
    expect(compat.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await compat.arrayBuffer()).equals(pdf)).toBe(true);
    const compatAsCustomer = await fetch(`${server.url}/livechat/default/downloadDocument/${chat.chatId}/${message.id}`, {
      headers: { authorization: `Bearer ${chat.customerToken}` },
    });
    expect(await compatAsCustomer.json()).toMatchObject({ result: false, code: "FORBIDDEN" });
    await Promise.all([chat.close(), other.close()]);
  });
});

describe("a large image upload", () => {
  it("does not hold up another chat's messages", async () => {
    const busy = await chatWithAgent();
    const quiet = await chatWithAgent();
    // 36 megapixels to decode, resize and thumbnail: seconds of image work off the event loop.
    const big = await makePng({ width: 6000, height: 6000 });
    let uploaded = false;
    const upload = busy.customer
      .SendMultimediaMessage("IMAGE", { img: new Uint8Array(big), caption: "", fileName: "big.png" })
      .finally(() => {
        uploaded = true;
      });
    const deliveredBeforeUpload: string[] = [];
    let sent = 0;
    while (!uploaded && sent < 200) {
      const text = `quiet ${sent++}`;
      await quiet.customer.sendMessage(text);
      await waitFor(() => quiet.atAgent.texts.includes(text), () => `the agent to get '${text}'`);
      if (!uploaded) deliveredBeforeUpload.push(text);
    }
    const message = await upload;
    // Messages of the quiet chat went round, in order, while the image was being processed.
    expect(deliveredBeforeUpload.length).toBeGreaterThanOrEqual(3);
    expect(quiet.atAgent.texts).toEqual(Array.from({ length: sent }, (_, i) => `quiet ${i}`));
    expect(message.content).toMatchObject({ width: 2048, height: 2048, documentType: "PNG" });
    await Promise.all([busy.close(), quiet.close()]);
  });
});

describe("order of a participant's messages", () => {
  it("an image followed at once by a text reaches the others in that order, though the image takes longer to process", async () => {
    const chat = await chatWithAgent();
    const photo = await makeNoisyJpeg(400, 300);
    // Small enough to ride inline: an uploaded file takes its place in the outbox only after its upload.
    expect(photo.length).toBeLessThan(200 * 1024);
    const order: string[] = [];
    chat.agent.on("multimediaMessage", (event) => order.push(`image:${event.content.caption}`));
    chat.agent.on("message", (event) => order.push(`text:${event.content.text}`));
    // Neither send waits for the other: both frames are on the wire before the image is processed.
    const sends = [
      chat.customer.SendMultimediaMessage("IMAGE", { img: new Uint8Array(photo), caption: "first", fileName: "first.jpg" }),
      chat.customer.sendMessage("second"),
      chat.customer.SendMultimediaMessage("IMAGE", { img: new Uint8Array(photo), caption: "third", fileName: "third.jpg" }),
      chat.customer.sendMessage("fourth"),
    ];
    const [first, second] = await Promise.all(sends);
    await waitFor(() => order.length === 4, () => `four messages at the agent, got ${JSON.stringify(order)}`);
    expect(order).toEqual(["image:first", "text:second", "image:third", "text:fourth"]);
    expect(typeof second).toBe("string");
    expect((first as MultimediaMessageEvent).content.caption).toBe("first");
    await chat.close();
  });
});
