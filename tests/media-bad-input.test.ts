/**
 * Bad files through the SDK, end to end: each is refused with its own code,
 * the sender's promise rejects, nothing is stored, nobody receives anything,
 * and the chat goes on. The same inputs as raw frames and raw uploads are in
 * `packages/server/test/media-refusals.test.ts`.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import {
  corruptJpeg,
  makeExe,
  makeHtml,
  makeJpeg,
  makePdf,
  makePlainZip,
  makePng,
  makeSvg,
  makeZipBomb,
  pngClaimingPixels,
} from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let customer: Contact;
let agent: Contact;
const atAgent: string[] = [];
const logouts: (() => Promise<unknown>)[] = [];
let getHistory: () => Promise<{ messages: { data: { messageType: string } }[] }>;

beforeAll(async () => {
  let tokens: Record<string, string>;
  // A 3 MiB file limit keeps the over-limit file small.
  ({ server, tokens } = await startServerWithAgents(["alice"], { limits: { maxMediaBytes: 3 * 1024 * 1024 } }));
  const customerSdk = createLiveChatSdk();
  customerSdk.init({ serverUrl: server.url });
  customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: server.url });
  await agentSdk.LIVECHAT.login(tokens.alice!, false, false, () => {});
  agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
  getHistory = () => agentSdk.LIVECHAT.getChatHistory(customer.contact.id, true);
  agent.on("multimediaMessage", (event) => atAgent.push(event.id));
  agent.on("message", (event) => atAgent.push(event.content.text));
  agent.on("multimediaMessageStored", (event) => atAgent.push(`stored:${event.messageID}`));
  logouts.push(() => customerSdk.LIVECHAT.logout(), () => agentSdk.LIVECHAT.logout());
});

afterAll(async () => {
  await Promise.all(logouts.map((logout) => logout()));
  await server.close();
});

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** Blob files under the data dir (the spool and the blob store's own temp dir excluded). */
async function storedBlobs(): Promise<string[]> {
  const dir = join(server.dataDir, "media");
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes(`${join(dir, "tmp")}`)).map((entry) => entry.name);
}

describe("refused files", () => {
  const cases: [string, string, () => Promise<{ type: "IMAGE" | "DOCUMENT"; content: Record<string, unknown> }>][] = [
    ["Base64 that does not decode", "MEDIA_INVALID_BASE64", async () => ({ type: "IMAGE", content: { img: "iVBOR*w0KGgo=" } })],
    [
      "truncated Base64",
      "MEDIA_INVALID_BASE64",
      async () => {
        const text = base64(await makePng({ width: 20, height: 20 }));
        return { type: "IMAGE", content: { img: text.slice(0, text.length - (text.length % 4) - 3) } };
      },
    ],
    ["an empty file", "MEDIA_EMPTY", async () => ({ type: "DOCUMENT", content: { document: "" } })],
    ["a file over the limit", "MEDIA_TOO_LARGE", async () => ({ type: "DOCUMENT", content: { document: Buffer.concat([makePdf(), Buffer.alloc(3 * 1024 * 1024)]), fileName: "big.pdf" } })],
    ["a type outside the list", "MEDIA_TYPE_NOT_ALLOWED", async () => ({ type: "DOCUMENT", content: { document: base64(makePlainZip()), fileName: "notes.zip" } })],
    ["a PDF sent as IMAGE", "MEDIA_TYPE_MISMATCH", async () => ({ type: "IMAGE", content: { img: base64(makePdf()), fileName: "scan.png", documentType: "PNG" } })],
    ["an executable renamed .pdf", "MEDIA_TYPE_NOT_ALLOWED", async () => ({ type: "DOCUMENT", content: { document: base64(makeExe()), fileName: "invoice.pdf", documentType: "PDF" } })],
    ["HTML renamed .png", "MEDIA_TYPE_NOT_ALLOWED", async () => ({ type: "IMAGE", content: { img: base64(makeHtml()), fileName: "cat.png", documentType: "PNG" } })],
    ["SVG renamed .png", "MEDIA_TYPE_NOT_ALLOWED", async () => ({ type: "IMAGE", content: { img: base64(makeSvg()), fileName: "logo.png", documentType: "PNG" } })],
    ["a PNG claiming 100,000 × 100,000 pixels", "IMAGE_TOO_MANY_PIXELS", async () => ({ type: "IMAGE", content: { img: base64(pngClaimingPixels(100_000, 100_000)), fileName: "huge.png" } })],
    ["a corrupted JPEG", "MEDIA_CORRUPT", async () => ({ type: "IMAGE", content: { img: base64(await corruptJpeg()), fileName: "broken.jpg" } })],
    ["a ZIP that is not an Office file, named .docx", "MEDIA_TYPE_NOT_ALLOWED", async () => ({ type: "DOCUMENT", content: { document: base64(makePlainZip()), fileName: "report.docx", documentType: "DOCX" } })],
    ["a ZIP bomb named .docx", "MEDIA_COMPRESSION_BOMB", async () => ({ type: "DOCUMENT", content: { document: base64(makeZipBomb()), fileName: "report.docx", documentType: "DOCX" } })],
    ["a path in fileName", "FILE_NAME_INVALID", async () => ({ type: "DOCUMENT", content: { document: base64(makePdf()), fileName: "../../etc/passwd" } })],
    ["a caption over 1,000 characters", "CAPTION_TOO_LONG", async () => ({ type: "DOCUMENT", content: { document: base64(makePdf()), caption: "x".repeat(1001) } })],
  ];

  it.each(cases)("%s → %s, nothing stored, nothing delivered", async (_name, code, make) => {
    const { type, content } = await make();
    await expect(customer.SendMultimediaMessage(type, content)).rejects.toMatchObject({ code });
    // The chat goes on: a text after the refusal is the next thing the agent receives.
    const marker = `after ${code} ${Math.random()}`;
    await customer.sendMessage(marker);
    await waitFor(() => atAgent.includes(marker), () => `the agent to get '${marker}'`);
    expect(atAgent.filter((entry) => entry.startsWith("MSG_"))).toEqual([]);
    expect(await storedBlobs()).toEqual([]);
  });

  it("leaves no media in the history", async () => {
    const history = await getHistory();
    expect(history.messages.length).toBe(cases.length);
    expect(history.messages.filter((entry) => entry.data.messageType !== "TEXT")).toEqual([]);
  });

  it("still accepts a good file afterwards", async () => {
    const message = await customer.SendMultimediaMessage("IMAGE", { img: base64(await makeJpeg({ width: 50, height: 50 })), fileName: "ok.jpg" });
    await waitFor(() => atAgent.includes(message.id), () => "the agent to get the good image");
    await waitFor(() => atAgent.includes(`stored:${message.id}`), () => "the agent to get the image's multimediaMessageStored");
    // The original stripped of its metadata (sent at once), then the re-encoded image and its thumbnail.
    expect((await storedBlobs()).length).toBe(3);
  });
});
