/**
 * Media refusals at the server's edge, without the SDK's own checks in front:
 * raw `send` frames of kind `media`, raw HTTP uploads and `media` requests.
 * Each bad input gets its code and changes nothing; the spool is left empty.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf, makePng } from "../../../tests/support/media-files.js";
import { RawClient, startContact, startServer, type Running } from "./helpers.js";

let running: Running;
let chat: { chatId: string; token: string; userId: string };
let other: { chatId: string; token: string; userId: string };
let client: RawClient;

beforeAll(async () => {
  running = await startServer({ limits: { maxMediaBytes: 1024 * 1024 } });
  chat = await startContact(running.url, "Carla");
  other = await startContact(running.url, "Olga");
  ({ client } = await RawClient.connect(running.wsUrl, chat.token));
  const joined = await client.request({ t: "join", chatId: chat.chatId });
  expect(joined.ok).toBe(true);
});

afterAll(async () => {
  client.close();
  await running.stop();
});

let clientIds = 0;
function sendMedia(fields: Record<string, unknown>) {
  return client.request({ t: "send", chatId: chat.chatId, clientId: `c${clientIds++}`, kind: "media", messageType: "DOCUMENT", ...fields });
}

function upload(chatId: string, token: string | undefined, file: Uint8Array | ReadableStream<Uint8Array>, query = "messageType=DOCUMENT", headers: Record<string, string> = {}) {
  return fetch(`${running.url}/v1/contacts/${chatId}/uploads?${query}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: file instanceof ReadableStream ? file : new Uint8Array(file),
    // Node's fetch needs this to stream a request body.
    ...(file instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("inline media frames", () => {
  it.each([
    ["Base64 with a stray character", { data: "JVBERi0x*" }, "MEDIA_INVALID_BASE64"],
    ["Base64 cut to an impossible length", { data: "JVBERi0xL" }, "MEDIA_INVALID_BASE64"],
    ["an empty file", { data: "" }, "MEDIA_EMPTY"],
    ["a caption too long", { data: makePdf().toString("base64"), caption: "c".repeat(1001) }, "CAPTION_TOO_LONG"],
    ["a path as file name", { data: makePdf().toString("base64"), fileName: "..\\..\\boot.ini" }, "FILE_NAME_INVALID"],
    ["a control character in the file name", { data: makePdf().toString("base64"), fileName: "a\nb.pdf" }, "FILE_NAME_INVALID"],
    ["a right-to-left override in the file name", { data: makePdf().toString("base64"), fileName: "invoice\u202Eexe.pdf" }, "FILE_NAME_INVALID"],
    ["a zero-width space in the file name", { data: makePdf().toString("base64"), fileName: "in\u200Bvoice.pdf" }, "FILE_NAME_INVALID"],
    ["both data and uploadId", { data: "JVBE", uploadId: "UPLOAD_00000000-0000-4000-a000-000000000000" }, "INVALID_FRAME"],
    ["neither data nor uploadId", {}, "INVALID_FRAME"],
    ["an unknown upload id", { uploadId: "UPLOAD_00000000-0000-4000-a000-000000000000" }, "UPLOAD_NOT_FOUND"],
  ])("%s → %3$s", async (_name, fields, code) => {
    const reply = await sendMedia(fields);
    expect(reply).toMatchObject({ ok: false, error: { code } });
  });

  it("a frame above the frame limit is refused with FRAME_TOO_LARGE and the socket stays", async () => {
    // Too large to be parsed, so there is no rid to reply to: an error frame answers it.
    client.send({ t: "send", rid: 999, chatId: chat.chatId, clientId: "big", kind: "media", messageType: "DOCUMENT", data: "A".repeat(600 * 1024) });
    expect(await client.next((f) => f.t === "error")).toMatchObject({ error: { code: "FRAME_TOO_LARGE" } });
    client.send({ t: "ping", rid: 1000 });
    expect(await client.next((f) => f.t === "pong")).toMatchObject({ rid: 1000 });
  });
});

describe("repeated media sends", () => {
  it("a retry with the same clientId returns the original; another file under it is CLIENT_ID_REUSED", async () => {
    const pdf = makePdf().toString("base64");
    const frame = { t: "send", chatId: chat.chatId, clientId: "retry-1", kind: "media", messageType: "DOCUMENT", data: pdf, caption: "once" };
    const first = await client.request(frame);
    const again = await client.request(frame);
    expect(first).toMatchObject({ ok: true, result: { duplicate: false } });
    expect(again).toMatchObject({ ok: true, result: { duplicate: true, id: (first.result as { id: string }).id } });
    const other = await client.request({ ...frame, data: (await makePng({ width: 8, height: 8 })).toString("base64"), messageType: "IMAGE" });
    expect(other).toMatchObject({ ok: false, error: { code: "CLIENT_ID_REUSED" } });
    const history = await client.request({ t: "history", chatId: chat.chatId });
    const captions = (history.result as { messages: { data: { content: { caption?: string } } }[] }).messages.map((m) => m.data.content.caption);
    expect(captions.filter((caption) => caption === "once")).toHaveLength(1);
  });
});

describe("HTTP uploads", () => {
  it("refuses a missing token, another chat's token and a bad messageType", async () => {
    const pdf = makePdf();
    expect(await errorCode(await upload(chat.chatId, undefined, pdf))).toBe("AUTH_REQUIRED");
    expect(await errorCode(await upload(chat.chatId, other.token, pdf))).toBe("FORBIDDEN");
    expect(await errorCode(await upload(chat.chatId, chat.token, pdf, "messageType=VIDEO"))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await upload(chat.chatId, chat.token, pdf, "messageType=DOCUMENT&fileName=..%2Fx.pdf"))).toBe("FILE_NAME_INVALID");
  });

  it("refuses an empty body and a body over the limit, declared or streamed", async () => {
    expect(await errorCode(await upload(chat.chatId, chat.token, new Uint8Array(0)))).toBe("MEDIA_EMPTY");
    const declared = await upload(chat.chatId, chat.token, new Uint8Array(1024 * 1024 + 1));
    expect(declared.status).toBe(413);
    expect(await errorCode(declared)).toBe("MEDIA_TOO_LARGE");
    // No Content-Length: the limit is enforced while streaming.
    let chunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunks++ < 40) controller.enqueue(new Uint8Array(64 * 1024));
        else controller.close();
      },
    });
    const streamed = await upload(chat.chatId, chat.token, endless);
    expect(streamed.status).toBe(413);
    expect(await errorCode(streamed)).toBe("MEDIA_TOO_LARGE");
  });

  it("an upload can be sent once by its uploader only, as the kind it is", async () => {
    const response = await upload(chat.chatId, chat.token, await makePng({ width: 40, height: 30 }), "messageType=IMAGE&fileName=shot.png");
    expect(response.status).toBe(201);
    const uploaded = (await response.json()) as { uploadId: string; documentType: string; fullsize: { width: number } };
    expect(uploaded).toMatchObject({ documentType: "PNG", fullsize: { width: 40, height: 30, mimeType: "image/png" }, thumbnail: { width: 40 } });
    expect(await sendMedia({ uploadId: uploaded.uploadId, messageType: "DOCUMENT" })).toMatchObject({
      ok: false,
      error: { code: "MEDIA_TYPE_MISMATCH" },
    });
    // Another chat's customer cannot send it, even into their own chat.
    const { client: olga } = await RawClient.connect(running.wsUrl, other.token);
    await olga.request({ t: "join", chatId: other.chatId });
    const stolen = await olga.request({ t: "send", chatId: other.chatId, clientId: "x1", kind: "media", messageType: "IMAGE", uploadId: uploaded.uploadId });
    expect(stolen).toMatchObject({ ok: false, error: { code: "UPLOAD_NOT_FOUND" } });
    olga.close();
    const sent = await sendMedia({ uploadId: uploaded.uploadId, messageType: "IMAGE", caption: "here" });
    expect(sent).toMatchObject({ ok: true, result: { duplicate: false, message: { messageType: "IMAGE", content: { caption: "here", fileName: "shot.png" } } } });
  });

  it("a media request for a text message is MESSAGE_NOT_FOUND", async () => {
    const text = await client.request({ t: "send", chatId: chat.chatId, clientId: "t1", kind: "text", text: "hello" });
    const id = (text.result as { id: string }).id;
    const reply = await client.request({ t: "media", chatId: chat.chatId, messageId: id, format: "link" });
    expect(reply).toMatchObject({ ok: false, error: { code: "MESSAGE_NOT_FOUND" } });
  });

  it("leaves nothing in the spool", async () => {
    const spool = join(running.server.config.dataDir, "spool");
    expect(await readdir(spool).catch(() => [])).toEqual([]);
  });
});
