import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MediaResult, MultimediaMessageEvent, UploadResponse, UserRef } from "@parley/protocol";
import { base64ToBytes, bytesToBase64, decodeChunked, encodeChunked } from "../src/media/base64.js";
import { UPLOAD_ATTEMPTS } from "../src/media/upload.js";
import { useFakeServer } from "./support/fake-server.js";
import {
  AGENT,
  AGENT_REF,
  CHAT_ID,
  CUSTOMER_REF,
  OTHER_CHAT_ID,
  collect,
  joinResult,
  joined,
  loggedIn,
  messageId,
  nextEvent,
  nextState,
  rejection,
} from "./support/fixtures.js";
import { NodeXhr } from "./support/node-xhr.js";

const UPLOAD_ID = "UPLOAD_5f0c3a52-8a0e-4d43-9b1e-2f5d6c7e8f90";
/** Small limits so that a few KiB already go by upload. */
const LIMITS = { maxInlineMediaBytes: 1024, maxMediaBytes: 1_000_000, maxCaptionLength: 20 };

function mediaMessage(n: number, author: UserRef = AGENT_REF, overrides: Partial<MultimediaMessageEvent["content"]> = {}): MultimediaMessageEvent {
  return {
    id: messageId(n),
    chatId: CHAT_ID,
    messageType: "IMAGE",
    content: {
      caption: "look",
      fileName: "photo.png",
      documentType: "PNG",
      mimeType: "image/png",
      size: 68,
      width: 1,
      height: 1,
      inline: true,
      user: author,
      ...overrides,
    },
    ts: "2025-01-01T10:00:00.000Z",
  };
}

function sendResult(message: MultimediaMessageEvent) {
  return { id: message.id, seq: 1, ts: message.ts, duplicate: false, message };
}

function uploadResponse(size: number): UploadResponse {
  return {
    uploadId: UPLOAD_ID,
    messageType: "DOCUMENT",
    documentType: "PDF",
    fileName: "report.pdf",
    fullsize: { mimeType: "application/pdf", size },
    originalSize: size,
    resized: false,
  };
}

function mediaResult(format: MediaResult["format"], overrides: Partial<MediaResult> = {}): MediaResult {
  return {
    chatID: CHAT_ID,
    messageID: messageId(7),
    messageType: "IMAGE",
    format,
    url: `/v1/contacts/${CHAT_ID}/messages/${messageId(7)}/media?format=${format}&expires=1767225600&signature=abc`,
    expiresAt: "2026-01-01T00:00:00.000Z",
    content: { caption: "look", fileName: "photo.png", documentType: "PNG", user: CUSTOMER_REF, mimeType: "image/png", size: 4, width: 2, height: 2 },
    ...overrides,
  };
}

const fake = useFakeServer();

describe("Base64 of large files", () => {
  it("encodes and decodes in chunks exactly as Buffer does, for every tail length and past a MiB", () => {
    for (const length of [0, 1, 2, 3, 4, 5, 24_575, 24_576, 24_577, 1024 * 1024 + 1]) {
      const bytes = new Uint8Array(randomBytes(length));
      const expected = Buffer.from(bytes).toString("base64");
      expect(encodeChunked(bytes), String(length)).toBe(expected);
      expect(bytesToBase64(bytes)).toBe(expected);
      expect(Buffer.from(decodeChunked(expected)).equals(Buffer.from(bytes)), String(length)).toBe(true);
      expect(Buffer.from(base64ToBytes(expected)).equals(Buffer.from(bytes))).toBe(true);
    }
    // Unpadded text, as parseBase64 accepts it.
    expect(Array.from(decodeChunked("AQI"))).toEqual([1, 2]);
  });

  it("encodes a view over a larger buffer by its own bytes only", () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(bytesToBase64(whole.subarray(2, 5))).toBe(Buffer.from([1, 2, 3]).toString("base64"));
    expect(encodeChunked(whole.subarray(2, 5))).toBe(Buffer.from([1, 2, 3]).toString("base64"));
  });
});

describe("SendMultimediaMessage inline", () => {
  it("sends a media frame with the Base64 and resolves with the message the server answered", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const png = randomBytes(300).toString("base64");
    const progress: [number, number][] = [];
    const sending = contact.SendMultimediaMessage(
      "IMAGE",
      { img: png, caption: "look", fileName: "photo.png", documentType: "PNG" },
      { onProgress: (sent, total) => progress.push([sent, total]) },
    );
    const frame = await conn.next("send");
    expect(frame).toEqual({
      t: "send",
      rid: frame.rid,
      chatId: CHAT_ID,
      clientId: frame.clientId,
      kind: "media",
      messageType: "IMAGE",
      data: png,
      caption: "look",
      fileName: "photo.png",
      documentType: "PNG",
    });
    expect(frame.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(progress).toEqual([[0, 300]]);
    const message = mediaMessage(1, AGENT_REF, { size: 300 });
    conn.reply(frame.rid, sendResult(message));
    expect(await sending).toEqual(message);
    expect(progress).toEqual([
      [0, 300],
      [300, 300],
    ]);
    await sdk.LIVECHAT.logout();
  });

  it("takes a data: URL, bytes, an ArrayBuffer, a Blob or a File (whose name is the default fileName)", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const bytes = new Uint8Array(randomBytes(200));
    const base64 = Buffer.from(bytes).toString("base64");
    const inputs: [string, Parameters<typeof contact.SendMultimediaMessage>[1], string | undefined][] = [
      ["data URL", { img: `data:image/png;base64,${base64.replace(/(.{76})/g, "$1\n")}` }, undefined],
      ["Uint8Array", { img: bytes }, undefined],
      ["ArrayBuffer", { img: bytes.slice().buffer }, undefined],
      ["Blob", { img: new Blob([bytes]) }, undefined],
      ["File", { img: new File([bytes], "from-disk.png") }, "from-disk.png"],
      ["File with a fileName", { img: new File([bytes], "from-disk.png"), fileName: "given.png" }, "given.png"],
    ];
    for (const [label, content, fileName] of inputs) {
      const sending = contact.SendMultimediaMessage("IMAGE", content);
      const frame = await conn.next("send");
      expect(frame, label).toMatchObject({ kind: "media", messageType: "IMAGE", data: base64 });
      expect((frame as { fileName?: string }).fileName, label).toBe(fileName);
      conn.reply(frame.rid, sendResult(mediaMessage(1)));
      await sending;
    }
    await sdk.LIVECHAT.logout();
  });

  it("refuses locally with the server's codes and sends nothing for a refused file", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    const ok = Buffer.from("hello").toString("base64");
    const code = async (promise: Promise<unknown>) => (await rejection(promise)).code;
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: "not base64!" }))).toBe("MEDIA_INVALID_BASE64");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: "QUJDR" }))).toBe("MEDIA_INVALID_BASE64"); // truncated
    expect(await code(contact.SendMultimediaMessage("IMAGE", {}))).toBe("MEDIA_EMPTY");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { document: ok }))).toBe("MEDIA_EMPTY"); // wrong field
    expect(await code(contact.SendMultimediaMessage("DOCUMENT", { document: "" }))).toBe("MEDIA_EMPTY");
    expect(await code(contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(0) }))).toBe("MEDIA_EMPTY");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: ok, caption: "x".repeat(21) }))).toBe("CAPTION_TOO_LONG");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: ok, fileName: "../etc/passwd" }))).toBe("FILE_NAME_INVALID");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: ok, fileName: "a\u0000.png" }))).toBe("FILE_NAME_INVALID");
    const tooLarge = await rejection(contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(1_000_001) }));
    expect(tooLarge).toMatchObject({ code: "MEDIA_TOO_LARGE", details: { limit: 1_000_000 } });
    expect(await code(contact.SendMultimediaMessage("VIDEO" as "IMAGE", { img: ok }))).toBe("VALIDATION_FAILED");
    expect(fake.server.httpRequests).toHaveLength(0);

    const sending = contact.SendMultimediaMessage("IMAGE", { img: ok, caption: "x".repeat(20) });
    const frame = await conn.next("send");
    conn.reply(frame.rid, sendResult(mediaMessage(1)));
    await sending;
    expect(conn.received.filter((f) => f.t === "send")).toHaveLength(1);

    conn.event(CHAT_ID, 1, "contactEnded", { chatId: CHAT_ID, user: CUSTOMER_REF, reason: "endedByParticipant", ts: "t" });
    await nextEvent(contact, "contactEnded");
    expect(await code(contact.SendMultimediaMessage("IMAGE", { img: ok }))).toBe("CONTACT_ENDED");
    await sdk.LIVECHAT.logout();
  });

  it("re-sends an unanswered media send after a reconnect with the same clientId; resolves once", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const png = randomBytes(100).toString("base64");
    let resolutions = 0;
    const sending = contact.SendMultimediaMessage("IMAGE", { img: png }).then((message) => {
      resolutions++;
      return message;
    });
    const original = await conn.next("send");
    conn.terminate();
    await nextState(sdk.LIVECHAT, "disconnected");

    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const rejoin = await conn2.next("join");
    conn2.reply(rejoin.rid, joinResult({ lastSeq: 0 }));
    const resent = await conn2.next("send");
    expect(resent).toEqual({ ...original, rid: resent.rid });
    expect(resent.clientId).toBe(original.clientId);
    const message = mediaMessage(1);
    conn2.reply(resent.rid, { ...sendResult(message), duplicate: true });
    expect(await sending).toEqual(message);
    expect(resolutions).toBe(1);
    await sdk.LIVECHAT.logout();
  });
});

describe("SendMultimediaMessage by upload", () => {
  it("uploads with the token, retries a 503 after Retry-After, then sends the uploadId", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    const pdf = new Uint8Array(randomBytes(5_000));
    const progress: [number, number][] = [];
    const sending = contact.SendMultimediaMessage(
      "DOCUMENT",
      { document: Buffer.from(pdf).toString("base64"), fileName: "report.pdf", caption: "Q3" },
      { onProgress: (sent, total) => progress.push([sent, total]) },
    );

    const first = await fake.server.nextRequest();
    expect(first.method).toBe("POST");
    expect(first.path).toBe(`/v1/contacts/${CHAT_ID}/uploads`);
    expect(Object.fromEntries(first.query)).toEqual({ messageType: "DOCUMENT", fileName: "report.pdf" });
    expect(first.headers.authorization).toBe("Bearer token-1");
    expect(first.headers["content-type"]).toBe("application/octet-stream");
    expect(first.body.equals(Buffer.from(pdf))).toBe(true);
    first.respondError(503, "UNAVAILABLE", undefined, { "retry-after": "0" });

    const second = await fake.server.nextRequest();
    expect(second.body.equals(Buffer.from(pdf))).toBe(true);
    second.respond(201, uploadResponse(pdf.byteLength));

    const frame = await conn.next("send");
    expect(frame).toEqual({
      t: "send",
      rid: frame.rid,
      chatId: CHAT_ID,
      clientId: frame.clientId,
      kind: "media",
      messageType: "DOCUMENT",
      uploadId: UPLOAD_ID,
      caption: "Q3",
      fileName: "report.pdf",
    });
    const message = mediaMessage(2, AGENT_REF, { inline: false, documentType: "PDF", fileName: "report.pdf" });
    conn.reply(frame.rid, sendResult({ ...message, messageType: "DOCUMENT" }));
    expect((await sending).id).toBe(messageId(2));
    // fetch reports no upload progress: 0 per attempt, then the total.
    expect(progress).toEqual([
      [0, 5_000],
      [0, 5_000],
      [5_000, 5_000],
    ]);
    expect(fake.server.httpRequests).toHaveLength(2);
    await sdk.LIVECHAT.logout();
  });

  it("reports progress as the bytes go out with XMLHttpRequest, and sends a File's bytes and name", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS, { XMLHttpRequest: NodeXhr as unknown as new () => XMLHttpRequest });
    const contact = await joined(sdk, conn);
    const bytes = new Uint8Array(randomBytes(300_000));
    const progress: number[] = [];
    const totals = new Set<number>();
    const sending = contact.SendMultimediaMessage(
      "IMAGE",
      { img: new File([bytes], "holiday.jpg") },
      {
        onProgress: (sent, total) => {
          progress.push(sent);
          totals.add(total);
        },
      },
    );
    const request = await fake.server.nextRequest();
    expect(request.query.get("fileName")).toBe("holiday.jpg");
    expect(request.query.get("messageType")).toBe("IMAGE");
    expect(request.headers.authorization).toBe("Bearer token-1");
    expect(request.body.equals(Buffer.from(bytes))).toBe(true);
    request.respond(201, { ...uploadResponse(bytes.byteLength), messageType: "IMAGE" });
    const frame = await conn.next("send");
    expect(frame).toMatchObject({ kind: "media", uploadId: UPLOAD_ID, fileName: "holiday.jpg" });
    conn.reply(frame.rid, sendResult(mediaMessage(3)));
    await sending;
    expect(NodeXhr.instances.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(300_000);
    expect([...totals]).toEqual([300_000]);
    await sdk.LIVECHAT.logout();
  });

  it("rejects with the server's code for a refused file (415), without retrying or sending", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    const sending = contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(randomBytes(2_000)) });
    const request = await fake.server.nextRequest();
    expect(request.query.has("fileName")).toBe(false);
    request.respondError(415, "MEDIA_TYPE_NOT_ALLOWED", { detected: "EXE" });
    expect(await rejection(sending)).toMatchObject({ code: "MEDIA_TYPE_NOT_ALLOWED", details: { detected: "EXE" } });
    expect(fake.server.httpRequests).toHaveLength(1);
    expect(conn.received.some((f) => f.t === "send")).toBe(false);
    await sdk.LIVECHAT.logout();
  });

  it("retries network failures, 429 and 5xx, then rejects with UPLOAD_FAILED after the last attempt", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    const sending = contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(randomBytes(2_000)) });
    for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
      const request = await fake.server.nextRequest();
      if (attempt === 1) request.destroy();
      else if (attempt === 2) request.respondError(429, "RATE_LIMITED", { retryAfterMs: 10 });
      else request.respondError(503, "UNAVAILABLE");
    }
    expect(await rejection(sending)).toMatchObject({ code: "UPLOAD_FAILED", details: { attempts: UPLOAD_ATTEMPTS, cause: "UNAVAILABLE" } });
    expect(fake.server.httpRequests).toHaveLength(UPLOAD_ATTEMPTS);
    expect(conn.received.some((f) => f.t === "send")).toBe(false);
    await sdk.LIVECHAT.logout();
  });

  it("waits for the session to reconnect before uploading, then sends once the chat is re-joined", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    conn.terminate();
    await nextState(sdk.LIVECHAT, "disconnected");
    const sending = contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(randomBytes(2_000)) });

    const conn2 = await fake.server.nextConnection();
    await conn2.next("hello");
    expect(fake.server.httpRequests).toHaveLength(0); // offline: no attempt spent
    conn2.welcome(AGENT, LIMITS);
    const request = await fake.server.nextRequest();
    request.respond(201, uploadResponse(2_000));
    const rejoin = await conn2.next("join");
    conn2.reply(rejoin.rid, joinResult());
    const frame = await conn2.next("send");
    expect(frame).toMatchObject({ kind: "media", uploadId: UPLOAD_ID });
    conn2.reply(frame.rid, sendResult(mediaMessage(4)));
    expect((await sending).id).toBe(messageId(4));
    await sdk.LIVECHAT.logout();
  });

  it("aborts an upload in flight on logout and on leave", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, LIMITS);
    const contact = await joined(sdk, conn);
    const leaving = contact.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(randomBytes(2_000)) });
    await fake.server.nextRequest(); // never answered
    const left = sdk.LIVECHAT.leave(CHAT_ID);
    const leave = await conn.next("leave");
    conn.reply(leave.rid, { seq: 1 });
    await left;
    expect((await rejection(leaving)).code).toBe("NOT_JOINED");

    const contact2 = await joined(sdk, conn, {}, OTHER_CHAT_ID);
    const loggingOut = contact2.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(randomBytes(2_000)) });
    await fake.server.nextRequest();
    await sdk.LIVECHAT.logout();
    expect((await rejection(loggingOut)).code).toBe("LOGGED_OUT");
    expect(conn.received.some((f) => f.t === "send")).toBe(false);
  });
});

describe("GetMultimediaMessageInActiveChat", () => {
  it("link: resolves with the absolute URL and the metadata, downloads nothing", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const getting = contact.GetMultimediaMessageInActiveChat(CHAT_ID, messageId(7), "link");
    const frame = await conn.next("media");
    expect(frame).toEqual({ t: "media", rid: frame.rid, chatId: CHAT_ID, messageId: messageId(7), format: "link" });
    const result = mediaResult("link");
    conn.reply(frame.rid, result);
    expect(await getting).toEqual({
      result: true,
      data: {
        chatID: CHAT_ID,
        messageID: messageId(7),
        messageType: "IMAGE",
        format: "link",
        content: { ...result.content, url: `${fake.server.url}${result.url}`, expiresAt: result.expiresAt },
      },
      error: null,
    });
    expect(fake.server.httpRequests).toHaveLength(0);
    await sdk.LIVECHAT.logout();
  });

  it("fullsize (the default) and thumbnail: downloads the signed URL and gives the bytes as Base64", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    for (const format of [undefined, "thumbnail"] as const) {
      const getting = contact.GetMultimediaMessageInActiveChat(CHAT_ID, messageId(7), format);
      const frame = await conn.next("media");
      expect(frame.format).toBe(format ?? "fullsize");
      const result = mediaResult(format ?? "fullsize");
      conn.reply(frame.rid, result);
      const download = await fake.server.nextRequest();
      expect(download.method).toBe("GET");
      expect(download.url).toBe(result.url);
      expect(download.headers.authorization).toBeUndefined();
      const bytes = randomBytes(3_000);
      download.respond(200, new Uint8Array(bytes));
      const got = await getting;
      expect(got.data).toMatchObject({ format: format ?? "fullsize", messageType: "IMAGE" });
      expect(got.data.content).toEqual({ ...result.content, img: bytes.toString("base64") });
    }
    await sdk.LIVECHAT.logout();
  });

  it("a document comes as content.document, from another chat joined in the session", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    await joined(sdk, conn, {}, OTHER_CHAT_ID);
    const getting = contact.GetMultimediaMessageInActiveChat(OTHER_CHAT_ID, messageId(8));
    const frame = await conn.next("media");
    expect(frame.chatId).toBe(OTHER_CHAT_ID);
    const result = mediaResult("fullsize", {
      chatID: OTHER_CHAT_ID,
      messageID: messageId(8),
      messageType: "DOCUMENT",
      content: { caption: "", fileName: "a.pdf", documentType: "PDF", user: CUSTOMER_REF, mimeType: "application/pdf", size: 5 },
    });
    conn.reply(frame.rid, result);
    (await fake.server.nextRequest()).respond(200, new Uint8Array(Buffer.from("%PDF-")));
    const got = await getting;
    expect(got.data.content.document).toBe(Buffer.from("%PDF-").toString("base64"));
    expect(got.data.content.img).toBeUndefined();
    await sdk.LIVECHAT.logout();
  });

  it("rejects with NOT_JOINED for a chat not joined, and with the server's codes", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    expect(await rejection(contact.GetMultimediaMessageInActiveChat(OTHER_CHAT_ID, messageId(1)))).toMatchObject({
      code: "NOT_JOINED",
      details: { chatId: OTHER_CHAT_ID },
    });
    expect(conn.received.some((f) => f.t === "media")).toBe(false);

    for (const code of ["MESSAGE_NOT_FOUND", "MEDIA_FORMAT_UNAVAILABLE", "FORBIDDEN"] as const) {
      const getting = contact.GetMultimediaMessageInActiveChat(CHAT_ID, messageId(1), "thumbnail");
      conn.replyError((await conn.next("media")).rid, code);
      expect((await rejection(getting)).code).toBe(code);
    }

    const expired = contact.GetMultimediaMessageInActiveChat(CHAT_ID, messageId(7));
    conn.reply((await conn.next("media")).rid, mediaResult("fullsize"));
    (await fake.server.nextRequest()).respondError(403, "MEDIA_LINK_INVALID");
    expect((await rejection(expired)).code).toBe("MEDIA_LINK_INVALID");
    await sdk.LIVECHAT.logout();
  });

  it("re-sends the media request after a reconnect", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const getting = contact.GetMultimediaMessageInActiveChat(CHAT_ID, messageId(7), "link");
    const original = await conn.next("media");
    conn.terminate();
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    conn2.reply((await conn2.next("join")).rid, joinResult());
    const again = await conn2.next("media");
    expect(again).toEqual(original);
    conn2.reply(again.rid, mediaResult("link"));
    expect((await getting).data.content.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/contacts\//);
    await sdk.LIVECHAT.logout();
  });
});

describe("multimedia events", () => {
  it("hands others' multimediaMessage with a received receipt, skips your own, and hands multimediaMessageStored to everyone", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const media = collect(contact, "multimediaMessage");
    const stored = collect(contact, "multimediaMessageStored");

    const own = mediaMessage(1, AGENT_REF);
    const theirs = mediaMessage(2, CUSTOMER_REF, { img: "iVBORw0KGgo=" });
    const storedEvent = {
      messageID: own.id,
      chatId: CHAT_ID,
      messageType: "IMAGE" as const,
      formats: { fullsize: { mimeType: "image/jpeg", size: 900_000 }, thumbnail: { mimeType: "image/jpeg", size: 9_000 } },
      resized: true,
      originalSize: 8_000_000,
      ts: "t",
    };
    const gotStored = nextEvent(contact, "multimediaMessageStored");
    conn.event(CHAT_ID, 1, "multimediaMessage", own);
    conn.event(CHAT_ID, 2, "multimediaMessage", theirs);
    conn.event(CHAT_ID, 3, "multimediaMessageStored", storedEvent);
    await gotStored;
    expect(media).toEqual([theirs]);
    expect(stored).toEqual([storedEvent]);
    const receipt = await conn.next("receipt");
    expect(receipt).toMatchObject({ chatId: CHAT_ID, messageId: theirs.id, kind: "received" });
    expect(conn.received.filter((f) => f.t === "receipt")).toHaveLength(1);
    await sdk.LIVECHAT.logout();
  });
});
