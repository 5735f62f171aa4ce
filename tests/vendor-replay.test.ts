/**
 * The original product's documented examples (shared/seed/API-FACTS.md),
 * replayed against Parley: the back-office REST calls with their requests
 * and the shapes of their answers, and the SDK calls an integration makes
 * right after joining. What is checked is what an integration written
 * against the vendor's pages reads: field names, types (`ts` a number of
 * epoch milliseconds in transcripts, `replyTo` and `deliveryErrorReason`
 * empty strings, `messageSeen` null until seen) and the `endChat` entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { makePdf, makePng } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let agentToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"]));
  agentToken = tokens.alice!;
});

afterAll(async () => {
  await server.close();
});

type Json = Record<string, unknown>;
type Auth = "bearer" | "header" | "query";

/** A back-office call with the token in one of the three ways the vendor documents. */
async function backOffice(method: "GET" | "POST", path: string, body?: unknown, auth: Auth = "header"): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  let url = `${server.url}${path}`;
  if (auth === "bearer") headers.authorization = `Bearer ${agentToken}`;
  else if (auth === "header") headers.ctlivetoken = agentToken;
  else url += `${path.includes("?") ? "&" : "?"}ctlivetoken=${encodeURIComponent(agentToken)}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Json };
}

/** A customer's chat with a text, a link, an image and a PDF, the agent's answer, a seen receipt, and its end. */
async function concludedChat(callData: Record<string, string>) {
  const customer = createLiveChatSdk();
  customer.init({ serverUrl: server.url });
  const contact = await customer.LIVECHAT.startContact({ nickname: "Carol", callData });
  const chatId = contact.contact.id;
  const agent = createLiveChatSdk();
  agent.init({ serverUrl: server.url });
  await agent.LIVECHAT.login(agentToken, false, false, () => {});
  const atAgent = await agent.LIVECHAT.joinContact(chatId, "Alice");

  const text = await contact.sendMessage("Hello, I need help");
  const link = await contact.SendLink("https://example.com/order/42");
  const image = await contact.SendMultimediaMessage("IMAGE", { img: (await makePng({ width: 8, height: 8 })).toString("base64"), caption: "photo", fileName: "photo.png", documentType: "PNG" });
  const pdf = await contact.SendMultimediaMessage("DOCUMENT", { document: makePdf().toString("base64"), caption: "invoice", fileName: "invoice.pdf", documentType: "PDF" });
  // The agent answers over the back office, as an integration does.
  const sent = await backOffice("POST", `/livechat/default/sendTextMessageToActiveChat/${chatId}`, { text: "Hi Carol, how can I help?", nickname: "Alice" });
  await atAgent.markSeen(text);
  return { customer, agent, contact, atAgent, chatId, ids: { text, link, image: image.id, pdf: pdf.id, answer: sent.body.messageID as string } };
}

describe("the back-office calls, as the vendor documents them", () => {
  it("sendTextMessageToActiveChat, getContactTranscriptByChatID (seed shape), getChatTranscriptByChatID (vendor shape), endContactByChatID", async () => {
    const chat = await concludedChat({ ECID: "ECID-0001", queue: "Q_SALES" });
    expect(chat.ids.answer).toMatch(/^MSG_/);

    // The seed's shape, unchanged: { result, isChatActive, chatTranscript: [message…] }.
    const seed = await backOffice("GET", `/livechat/default/getContactTranscriptByChatID/${chat.chatId}`, undefined, "query");
    expect(seed.status).toBe(200);
    expect(seed.body).toMatchObject({ result: true, error: null, isChatActive: true });
    const seedMessages = seed.body.chatTranscript as Json[];
    expect(seedMessages.map((m) => m.id)).toEqual([chat.ids.text, chat.ids.link, chat.ids.image, chat.ids.pdf, chat.ids.answer]);
    for (const message of seedMessages) expect(Object.keys(message)).toEqual(expect.arrayContaining(["id", "messageType", "content", "ts", "replyTo", "deliverySuccess", "deliveryErrorReason"]));

    // endContactByChatID { chatID } → { result: true, error: null }.
    const ended = await backOffice("POST", "/livechat/default/endContactByChatID", { chatID: chat.chatId }, "bearer");
    expect(ended.body).toEqual({ result: true, error: null });
    await waitFor(() => chat.contact.hasEnded, () => "the customer's contactEnded");

    // The vendor's reference page for a concluded chat.
    const vendor = await backOffice("GET", `/livechat/default/getChatTranscriptByChatID/${chat.chatId}`);
    expect(vendor.status).toBe(200);
    expect(vendor.body).toMatchObject({ result: true, error: null, chatTranscripts: { result: true } });
    const transcript = (vendor.body.chatTranscripts as { transcript: Json }).transcript;
    expect(transcript).toMatchObject({ _id: chat.chatId, room: chat.chatId, ctlive_type: "chat" });
    expect(["chat", "cbn", "cbl", "cbfs", "call"]).toContain(transcript.ctlive_type);
    const entries = transcript.messages as Array<{ data: Json; _id: string; room: string }>;
    expect(entries.map((e) => e.data.messageType)).toEqual(["TEXT", "LINK", "IMAGE", "DOCUMENT", "TEXT", "endChat"]);
    for (const entry of entries) {
      expect(entry._id).toBe(entry.data.id);
      expect(entry.room).toBe(chat.chatId);
      expect(typeof entry.data.ts).toBe("number");
      expect(Number.isInteger(entry.data.ts)).toBe(true);
      expect(entry.data.ts as number).toBeGreaterThan(1_700_000_000_000);
      expect(entry.data).toMatchObject({ replyTo: "", deliverySuccess: true, deliveryErrorReason: "" });
      expect(entry.data).toHaveProperty("messageSeen");
    }
    const byId = new Map(entries.map((e) => [e.data.id, e.data]));
    // Seen by the agent: a time; never seen: null.
    expect(typeof byId.get(chat.ids.text)?.messageSeen).toBe("number");
    expect(byId.get(chat.ids.link)?.messageSeen).toBeNull();
    expect(byId.get(chat.ids.text)?.content).toMatchObject({ text: "Hello, I need help", user: { nickname: "Carol", isAgent: false } });
    expect(byId.get(chat.ids.link)?.content).toMatchObject({ url: "https://example.com/order/42" });
    expect(byId.get(chat.ids.image)?.content).toMatchObject({ caption: "photo", documentType: "PNG" });
    expect(byId.get(chat.ids.image)?.content).not.toHaveProperty("img");
    expect(byId.get(chat.ids.answer)?.content).toMatchObject({ text: "Hi Carol, how can I help?", user: { isAgent: true } });
    // The end: an endChat entry whose content.user is whoever ended it (the server, for the back office's end).
    const end = entries[entries.length - 1]!.data;
    expect(end.messageType).toBe("endChat");
    expect(end.content).toHaveProperty("user");
    // Oldest first.
    const times = entries.map((e) => e.data.ts as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(transcript.callData).toEqual({ ECID: "ECID-0001", queue: "Q_SALES" });
    await Promise.all([chat.customer, chat.agent].map((s) => s.LIVECHAT.logout()));
  });

  it("getChatTranscriptByUserID/:userId?days=N gives one customer's chats; getChatTranscriptByCalldata filters on call-data variables", async () => {
    const chat = await concludedChat({ ECID: "ECID-0002", queue: "Q_CARE" });
    const other = await concludedChat({ ECID: "ECID-0003", queue: "Q_CARE" });
    const userId = chat.contact.user.id;
    expect(userId).toMatch(/^USER_/);

    const byUser = await backOffice("GET", `/livechat/default/getChatTranscriptByUserID/${userId}?days=7`);
    expect(byUser.status).toBe(200);
    expect(byUser.body).toMatchObject({ result: true, error: null, chatTranscripts: { result: true, hasMore: false } });
    const userTranscripts = (byUser.body.chatTranscripts as { transcripts: Json[] }).transcripts;
    expect(userTranscripts.map((t) => t._id)).toEqual([chat.chatId]);
    expect(((userTranscripts[0]!.messages as Json[])[0] as { data: Json }).data.id).toBe(chat.ids.text);
    // An unknown customer, or one that is not a user id at all, has no chats.
    const nobody = await backOffice("GET", "/livechat/default/getChatTranscriptByUserID/USER_00000000-0000-4000-8000-000000000000?days=7");
    expect((nobody.body.chatTranscripts as { transcripts: Json[] }).transcripts).toEqual([]);
    expect((await backOffice("GET", `/livechat/default/getChatTranscriptByUserID/${userId}?days=0`)).body).toMatchObject({ result: false, code: "VALIDATION_FAILED" });

    const byCallData = await backOffice("POST", "/livechat/default/getChatTranscriptByCalldata", { callData: { queue: "Q_CARE" } }, "bearer");
    expect(byCallData.body).toMatchObject({ result: true, error: null, chatTranscripts: { result: true } });
    const found = (byCallData.body.chatTranscripts as { transcripts: Json[] }).transcripts.map((t) => t._id);
    expect(found).toEqual([other.chatId, chat.chatId]);
    const one = await backOffice("POST", "/livechat/default/getChatTranscriptByCalldata", { callData: { queue: "Q_CARE", ECID: "ECID-0003" }, days: 1 });
    expect((one.body.chatTranscripts as { transcripts: Json[] }).transcripts.map((t) => t._id)).toEqual([other.chatId]);
    const refused = await backOffice("POST", "/livechat/default/getChatTranscriptByCalldata", { callData: {} });
    expect(refused.status).toBe(400);
    await Promise.all([chat.customer, chat.agent, other.customer, other.agent].map((s) => s.LIVECHAT.logout()));
  });

  it("the multimedia message by id, and downloadDocument's binary", async () => {
    const chat = await concludedChat({ ECID: "ECID-0004" });
    const link = await backOffice("GET", `/livechat/default/getMultimediaMessageByID/${chat.chatId}/${chat.ids.pdf}?format=link`);
    expect(link.status).toBe(200);
    expect(link.body).toMatchObject({ result: true, error: null, data: { chatID: chat.chatId, messageID: chat.ids.pdf, messageType: "DOCUMENT", format: "link" } });
    const data = link.body.data as { url: string; content: Json };
    expect(data.content).toMatchObject({ caption: "invoice", documentType: "PDF", user: { nickname: "Carol" } });
    expect(data.content).not.toHaveProperty("document");
    const download = await fetch(`${server.url}${data.url}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(makePdf())).toBe(true);

    const full = await backOffice("GET", `/livechat/default/getMultimediaMessageByID/${chat.chatId}/${chat.ids.pdf}?format=fullsize`);
    expect(Buffer.from((full.body.data as { content: { document: string } }).content.document, "base64").equals(makePdf())).toBe(true);
    const image = await backOffice("GET", `/livechat/default/getMultimediaMessageByID/${chat.chatId}/${chat.ids.image}`, undefined, "bearer");
    expect(image.body).toMatchObject({ result: true, data: { messageType: "IMAGE", format: "link" } });
    const unknown = await backOffice("GET", `/livechat/default/getMultimediaMessageByID/${chat.chatId}/MSG_00000000-0000-4000-8000-000000000000`);
    expect(unknown.body).toMatchObject({ result: false, code: "MESSAGE_NOT_FOUND" });

    const binary = await fetch(`${server.url}/livechat/default/downloadDocument/${chat.chatId}/${chat.ids.pdf}`, { headers: { ctlivetoken: agentToken } });
    expect(binary.status).toBe(200);
    expect(Buffer.from(await binary.arrayBuffer()).equals(makePdf())).toBe(true);
    await Promise.all([chat.customer, chat.agent].map((s) => s.LIVECHAT.logout()));
  });
});

describe("the SDK calls an integration makes after joining", () => {
  it("getChatHistory(chatId, true) answers { messages: [ { data: { id, messageType, content: { text, user }, ts } } ] }", async () => {
    const chat = await concludedChat({ ECID: "ECID-0005" });
    const history = await chat.agent.LIVECHAT.getChatHistory(chat.chatId, true);
    const first = history.messages[0]!.data;
    expect(first).toMatchObject({ id: chat.ids.text, messageType: "TEXT", content: { text: "Hello, I need help", user: { nickname: "Carol", isAgent: false } } });
    expect(typeof first.content.user.id).toBe("string");
    // Parley's own history keeps `ts` as ISO 8601 (its clients read it so) and gives epoch milliseconds beside it.
    expect(typeof first.ts).toBe("string");
    expect(first.tsMs).toBe(Date.parse(first.ts));
    expect(history.messages.map((m) => m.data.messageType)).toEqual(["TEXT", "LINK", "IMAGE", "DOCUMENT", "TEXT"]);

    // GetMultimediaMessageInActiveChat → { result: true, data: { chatID, messageID, messageType, format, content }, error: null }.
    const media = await chat.atAgent.GetMultimediaMessageInActiveChat(chat.chatId, chat.ids.image);
    expect(media).toMatchObject({ result: true, error: null, data: { chatID: chat.chatId, messageID: chat.ids.image, messageType: "IMAGE", format: "fullsize" } });
    expect(typeof (media.data.content as { img?: string }).img).toBe("string");
    await Promise.all([chat.customer, chat.agent].map((s) => s.LIVECHAT.logout()));
  });
});
