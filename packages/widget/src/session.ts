/**
 * The customer's chat, as the panel shows it: starts or restores the chat
 * through the SDK, turns its events into entries, sends text and files, and
 * marks what the customer has seen. The UI renders `state` and calls methods.
 * @module
 */
import type { Contact, LiveChatError, LiveChatSdk, QueuePosition } from "@parley/sdk";
import { DEFAULT_LIMITS, type PrechatAnswers, type PrechatProblem } from "@parley/protocol";
import { visitorContext } from "./visitor-context.js";
import { TENANT_NAME, type WidgetConfig } from "./config.js";
import type { HostPage } from "./host-page.js";
import { entryOf, localKey, withAnswers, type Entry, type Status } from "./entries.js";
import { fetchSurvey } from "./front-door.js";
import { format, refusalReason, type Strings } from "./i18n.js";
import { loadOnDemand } from "./on-demand.js";
import { ChatStorage, type SavedChat } from "./persist.js";

/** The SDK, the largest part of the widget: fetched when the panel opens or a chat comes back, not for the first view. */
export const loadSdk = loadOnDemand(() => import("@parley/sdk"));

/** `start`: the name form; `chat`: talking; `ended`: the chat is over. */
export type Phase = "start" | "starting" | "restoring" | "chat" | "ended";

export interface ChatState {
  phase: Phase;
  entries: Entry[];
  /** Who is typing, if anyone. */
  typing: string | null;
  /** Whether the socket is connected. */
  isConnected: boolean;
  /** Whether the browser says it is online. */
  isBrowserOnline: boolean;
  /** A problem to announce (a refused file, a chat that could not start). */
  notice: string | null;
  /** The customer's name, kept for a new chat. */
  nickname: string;
  /** Messages that arrived while the panel was closed or the page hidden. */
  unread: number;
  /** Whether an agent is in the chat; until one is, the customer waits. */
  hasAgent: boolean;
  /** Where the waiting chat stands in its queue, as the server last said; null when unknown or taken. */
  queue: QueuePosition | null;
  /** The server's refusals of the pre-chat answers (`FORM_INVALID`), by field; null when none. */
  formProblems: PrechatProblem[] | null;
}

/**
 * The longest name the server takes (its `maxNicknameLength`): the name field's limit, and the
 * one its message names. A server configured otherwise says its own in the refusal, which then counts.
 */
let maxNicknameLength = DEFAULT_LIMITS.maxNicknameLength;

/** The name field's limit (see {@link maxNicknameLength}). */
export function nicknameLimit(): number {
  return maxNicknameLength;
}

/** Codes after which a saved chat cannot be resumed: start afresh. */
const GONE = new Set(["AUTH_TOKEN_EXPIRED", "AUTH_INVALID_TOKEN", "FORBIDDEN", "CONTACT_NOT_FOUND", "CONTACT_ENDED", "NOT_A_PARTICIPANT"]);
const URL_ONLY = /^https?:\/\/\S+$/i;

/** Why `POST /v1/contacts` failed: the server's code, or `UNREACHABLE`. */
class StartFailure extends Error {
  constructor(
    readonly code: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(code);
  }
}

function codeOf(error: unknown): string {
  return (error as LiveChatError | undefined)?.code ?? "INTERNAL_ERROR";
}

export class ChatSession {
  state: ChatState;
  /** Set by the UI: whether the panel is open on a visible page (then messages count as seen). */
  isVisible: () => boolean = () => false;
  /** The chat shown and its customer token, kept after the end for its survey and transcript; null before a chat. */
  credential: { chatId: string; token: string } | null = null;

  private readonly listeners = new Set<() => void>();
  private sdkReady: Promise<LiveChatSdk> | undefined;
  private readonly storage: ChatStorage;
  private contact: Contact | null = null;
  private saved: SavedChat | undefined;
  private readonly seenMarked = new Set<string>();
  /** The agents in the chat now, by user id. */
  private readonly agents = new Set<string>();
  /**
   * Whether a satisfaction survey follows the chat's end, told to the page with `ChatFinished`.
   * Asked of the server when the chat opens (the queue's survey, not yet answered); false until known.
   */
  surveyFollows = false;

  constructor(
    private readonly config: WidgetConfig,
    private readonly strings: Strings,
    private readonly host: HostPage,
  ) {
    this.storage = new ChatStorage(config.serverUrl, config.tenant);
    const online = () => this.update({ isBrowserOnline: navigator.onLine });
    window.addEventListener("online", online);
    window.addEventListener("offline", online);
    this.saved = this.storage.load();
    this.state = {
      phase: this.saved ? "restoring" : "start",
      entries: [],
      typing: null,
      isConnected: false,
      isBrowserOnline: navigator.onLine,
      notice: null,
      nickname: this.saved?.nickname ?? "",
      unread: 0,
      hasAgent: false,
      queue: null,
      formProblems: null,
    };
  }

  /** The SDK, initialised for this widget's server and company; fetched on the first call. */
  sdk(): Promise<LiveChatSdk> {
    this.sdkReady ??= loadSdk().then(({ createLiveChatSdk }) => {
      const sdk = createLiveChatSdk();
      // The widget starts its chats over REST itself, where the server judges the tenant and a bad name
      // is a coded refusal shown to the customer; the SDK, which throws on a malformed name, gets only good ones.
      const tenant = this.config.tenant !== undefined && TENANT_NAME.test(this.config.tenant) ? this.config.tenant : undefined;
      sdk.init(tenant === undefined ? { serverUrl: this.config.serverUrl } : { serverUrl: this.config.serverUrl, tenant });
      sdk.LIVECHAT.on("state", ({ state }) => this.update({ isConnected: state === "connected" }));
      return sdk;
    });
    this.sdkReady.catch(() => (this.sdkReady = undefined));
    return this.sdkReady;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Brings back the chat of an earlier page of this site, if there is one. */
  async restore(): Promise<void> {
    const saved = this.saved;
    if (!saved) return;
    try {
      await this.open(saved);
      this.announceAgents();
    } catch (error) {
      if (GONE.has(codeOf(error))) {
        this.forget();
        this.update({ phase: "start" });
      } else {
        // The server is out of reach: try again, the chat is still there.
        setTimeout(() => void this.restore(), 5_000);
      }
    }
  }

  /**
   * Starts a chat: `POST /v1/contacts`, then the session with the token it gives.
   * `prechat`: the answers to the queue's pre-chat form, and the consent.
   */
  async start(nickname: string, email: string, prechat?: { form: PrechatAnswers; consent?: boolean }): Promise<void> {
    const name = nickname.normalize("NFC").trim();
    if (name === "" || name.length > maxNicknameLength) return this.update({ notice: this.nicknameRefusal() });
    this.update({ phase: "starting", notice: null, nickname, formProblems: null });
    const body: Record<string, unknown> = {
      nickname: nickname.trim(),
      uri: location.href.slice(0, 2048),
      title: document.title.slice(0, 512),
      userAgent: navigator.userAgent.slice(0, 512),
    };
    if (email.trim() !== "") body.email = email.trim();
    if (this.config.tenant !== undefined) body.tenant = this.config.tenant;
    if (this.config.queue !== undefined) body.queue = this.config.queue;
    if (prechat !== undefined) {
      body.form = prechat.form;
      if (prechat.consent !== undefined) body.consent = prechat.consent;
    }
    // The page's call data (Parley.setAttributes), sent only when it gave some.
    const callData = Object.keys(this.host.attributes).length > 0 ? { ...this.host.attributes } : undefined;
    try {
      // A network failure, or a CORS refusal (this site is not an allowed origin): the browser tells them apart to no one.
      const response = await fetch(`${this.config.serverUrl}/v1/contacts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...body, context: visitorContext(this.config.serverUrl, this.config.tenant), ...(callData === undefined ? {} : { callData }) }),
      }).catch(() => {
        throw new StartFailure("UNREACHABLE");
      });
      const answer = (await response.json().catch(() => null)) as {
        contact: { id: string };
        token: string;
        error?: { code: string; details?: Record<string, unknown> };
      } | null;
      if (!response.ok || answer === null || answer.error) throw new StartFailure(answer?.error?.code ?? `HTTP_${response.status}`, answer?.error?.details);
      this.saved = { chatId: answer.contact.id, token: answer.token, nickname: nickname.trim(), receipts: {} };
      this.storage.save(this.saved);
      await this.open(this.saved);
      this.host.emit("ChatStarted", { chatId: answer.contact.id });
      this.announceAgents();
    } catch (error) {
      const code = codeOf(error);
      const limit = error instanceof StartFailure ? error.details?.maxLength : undefined;
      if (code === "NICKNAME_INVALID" && typeof limit === "number" && limit > 0) maxNicknameLength = limit;
      this.forget();
      // The form's own refusals are shown next to their fields, not as one notice.
      const fields = code === "FORM_INVALID" && error instanceof StartFailure ? error.details?.fields : undefined;
      if (Array.isArray(fields)) this.update({ phase: "start", notice: null, formProblems: fields as PrechatProblem[] });
      else this.update({ phase: "start", notice: this.startRefusal(code) });
    }
  }

  /** What the customer is told when the chat could not start. */
  private startRefusal(code: string): string {
    if (code === "NICKNAME_INVALID") return this.nicknameRefusal();
    if (code === "RATE_LIMITED") return this.strings.rateLimited;
    if (code === "UNREACHABLE") return this.strings.unreachable;
    // The company's concurrent chats are at their limit: a wait, not a fault.
    if (code === "TENANT_CHAT_LIMIT") return this.strings.busy;
    // The company is unknown here or disabled (or the page names another one than its host): trying again will not help.
    if (code.startsWith("TENANT_")) return format(this.strings.unavailable, { code });
    return format(this.strings.startFailed, { code });
  }

  /** The one message for a name the server would not take, naming its limit. */
  private nicknameRefusal(): string {
    return format(this.strings.nicknameInvalid, { max: String(maxNicknameLength) });
  }

  /** Leaves an ended chat behind and shows the name form again. */
  async newChat(): Promise<void> {
    this.forget();
    await (await this.sdk()).LIVECHAT.logout();
    this.update({ phase: "start", entries: [], typing: null, notice: null, hasAgent: false, queue: null });
  }

  /** Sends what the customer typed: a lone http(s) URL as a link, anything else as text. */
  sendText(text: string): void {
    const contact = this.contact;
    const trimmed = text.trim();
    if (!contact || trimmed === "") return;
    const isLink = URL_ONLY.test(trimmed);
    const entry: Entry = { key: localKey(), kind: isLink ? "link" : "text", isMine: true, author: this.strings.you, text: isLink ? trimmed : text, status: "pending" };
    this.add(entry);
    contact.isWriting(false);
    (isLink ? contact.SendLink(trimmed) : contact.sendMessage(text)).then(
      (id) => this.committed(entry.key, id),
      (error: unknown) => this.patch(entry.key, { status: "failed", text: `${entry.text} (${codeOf(error)})` }),
    );
  }

  /**
   * Answers a menu or quick reply with one of its options: the menu is marked
   * answered at once (its buttons disable), and the answer shows as the
   * customer's message. A refused answer unmarks the menu.
   */
  answerMenu(menu: Entry, optionId: string): void {
    const contact = this.contact;
    const option = menu.menu?.options.find((candidate) => candidate.id === optionId);
    if (!contact || menu.id === undefined || menu.menu === undefined || option === undefined || menu.chosen !== undefined) return;
    const answers = { menuId: menu.id, optionId };
    const entry: Entry = { key: localKey(), kind: "text", isMine: true, author: this.strings.you, text: option.text, status: "pending", answers };
    this.update({ entries: [...this.state.entries.map((e) => (e.key === menu.key ? { ...e, chosen: optionId } : e)), entry] });
    const sent = menu.menu.type === "MENU" ? contact.answerMenu(menu.id, optionId) : contact.answerQuickReply(menu.id, optionId);
    sent.then(
      (id) => this.committed(entry.key, id),
      (error: unknown) => {
        this.patch(menu.key, { chosen: undefined });
        this.patch(entry.key, { status: "failed", text: `${entry.text} (${codeOf(error)})` });
      },
    );
  }

  /** Sends a file: PNG and JPEG as images, anything else as a document (the server judges the bytes). */
  sendFile(file: File): void {
    const contact = this.contact;
    if (!contact) return;
    const isImage = /^image\/(png|jpeg)$/.test(file.type) || /\.(png|jpe?g)$/i.test(file.name);
    const entry: Entry = {
      key: localKey(),
      kind: isImage ? "image" : "document",
      isMine: true,
      author: this.strings.you,
      text: "",
      fileName: file.name,
      status: "pending",
      progress: 0,
    };
    if (isImage) entry.thumbnail = entry.fullsize = URL.createObjectURL(file);
    this.add(entry);
    this.update({ notice: null });
    const content = isImage ? { img: file, fileName: file.name } : { document: file, fileName: file.name };
    contact
      .SendMultimediaMessage(isImage ? "IMAGE" : "DOCUMENT", content, {
        onProgress: (sent, total) => this.patch(entry.key, { progress: total > 0 ? sent / total : 1 }),
      })
      .then(
        (message) => {
          this.patch(entry.key, { progress: undefined, fileName: message.content.fileName });
          this.committed(entry.key, message.id);
        },
        (error: unknown) => {
          const notice = format(this.strings.fileRefused, { name: file.name, reason: refusalReason(this.strings, codeOf(error)) });
          this.update({ notice, entries: this.state.entries.filter((e) => e.key !== entry.key) });
        },
      );
  }

  /** The customer started or stopped typing (the SDK throttles what goes out). */
  typing(isTyping: boolean): void {
    this.contact?.isWriting(isTyping);
  }

  /** Marks the others' messages seen, if the panel is open on a visible page. */
  markSeen(): void {
    const contact = this.contact;
    if (!contact || !this.isVisible()) return;
    if (this.state.unread > 0) this.update({ unread: 0 });
    for (const entry of this.state.entries) {
      if (entry.isMine || entry.id === undefined || this.seenMarked.has(entry.id)) continue;
      const id = entry.id;
      this.seenMarked.add(id);
      contact.markSeen(id).catch(() => this.seenMarked.delete(id));
    }
  }

  /** The full-size image of an entry, as a URL to show. */
  async fullsize(entry: Entry): Promise<string> {
    if (entry.fullsize !== undefined) return entry.fullsize;
    const contact = this.contact;
    if (!contact || entry.id === undefined) throw new Error("not available");
    const file = await contact.GetMultimediaMessageInActiveChat(contact.contact.id, entry.id, "fullsize");
    const url = `data:${file.data.content.mimeType};base64,${file.data.content.img ?? ""}`;
    this.patch(entry.key, { fullsize: url });
    return url;
  }

  /** A download link for a document (signed, valid for a while). */
  async downloadLink(entry: Entry): Promise<string> {
    const contact = this.contact;
    if (!contact || entry.id === undefined) throw new Error("not available");
    const file = await contact.GetMultimediaMessageInActiveChat(contact.contact.id, entry.id, "link");
    return file.data.content.url ?? "";
  }

  // ---------------------------------------------------------------------------

  private async open(saved: SavedChat): Promise<void> {
    const sdk = await this.sdk();
    await sdk.LIVECHAT.login(saved.token, false, false, () => {
      // The token expired or was refused for good: this chat cannot go on.
      if (this.contact) this.ended();
    });
    const contact = await sdk.LIVECHAT.joinContact(saved.chatId, saved.nickname);
    // Whether the queue's survey follows the end (ChatFinished tells the page); not known is "no".
    fetchSurvey(this.config, { chatId: saved.chatId, token: saved.token }).then(
      (survey) => (this.surveyFollows = survey.config !== null && survey.result === null),
      () => undefined,
    );
    const history = contact.history.hasMore ? (await sdk.LIVECHAT.getChatHistory(contact)).messages : contact.history.messages;
    this.contact = contact;
    this.credential = { chatId: saved.chatId, token: saved.token };
    const myId = contact.user.id;
    // Agents already in the chat are named first, as their join lines did (history holds messages only).
    const present = contact.participants.filter((user) => user.isAgent && user.endTime === null);
    this.agents.clear();
    for (const user of present) this.agents.add(user.id);
    const entries = present.map((user) => this.system(format(this.strings.joined, { name: user.nickname })));
    for (const item of history) {
      const entry = entryOf(item.data, myId);
      if (entry.isMine) entry.status = saved.receipts[item.data.id] ?? "sent";
      entries.push(entry);
    }
    this.update({ phase: "chat", entries: withAnswers(entries), nickname: saved.nickname, notice: null, hasAgent: this.agents.size > 0, queue: null });
    this.listen(contact);
    for (const entry of entries) if (entry.kind === "image" && entry.hasThumbnail) void this.loadThumbnail(entry.key);
    this.markSeen();
  }

  private listen(contact: Contact): void {
    const myId = contact.user.id;
    const incoming = (message: Parameters<typeof entryOf>[0]) => {
      const entry = entryOf(message, myId);
      this.add(entry);
      if (entry.kind === "image" && entry.thumbnail === undefined && entry.hasThumbnail) void this.loadThumbnail(entry.key);
      this.update({ typing: null, unread: this.isVisible() ? 0 : this.state.unread + 1 });
      this.markSeen();
    };
    contact.on("message", incoming);
    contact.on("link", incoming);
    contact.on("multimediaMessage", incoming);
    contact.on("richMessage", incoming);
    contact.on("multimediaMessageStored", (event) => {
      const entry = this.state.entries.find((e) => e.id === event.messageID);
      if (!entry) return;
      // The original shown so far stays when processing failed; the reason is shown with it.
      if (event.error) this.patch(entry.key, { status: "failed", text: `${entry.text} (${String(event.error.details?.reason ?? event.error.code)})`.trim() });
      // The processed thumbnail replaces the original shown meanwhile (an inline image's, stripped of metadata).
      else if (event.formats.thumbnail) void this.loadThumbnail(entry.key);
    });
    contact.on("messageReceived", (event) => this.receipt(event.messageID, "received"));
    contact.on("messageSeen", (event) => this.receipt(event.messageID, "seen"));
    contact.on("isWriting", (event) => this.update({ typing: event.bwrite ? event.user.nickname : null }));
    contact.on("userAdded", (event) => {
      this.add(this.system(format(this.strings.joined, { name: event.user.nickname })));
      if (event.user.isAgent) this.agentsChanged(event.user.id, true);
    });
    contact.on("userLeft", (event) => {
      this.add(this.system(format(this.strings.left, { name: event.user.nickname })));
      if (event.user.isAgent) this.agentsChanged(event.user.id, false);
    });
    // Only while nobody answers: a late frame after an agent joined changes nothing.
    contact.on("queuePosition", (queue) => {
      if (!this.state.hasAgent) this.update({ queue: queue.position > 0 ? queue : null });
    });
    // The note of a transfer never reaches the customer: only that they are being transferred.
    contact.on("contactTransferred", () => this.add(this.system(this.strings.transferred)));
    contact.on("contactEnded", () => this.ended());
    // The queue's word on a long wait (its waiting limit), shown as the server wrote it.
    contact.on("queueNotice", (event) => this.add(this.system(event.text)));
  }

  /** An agent joined or left: the waiting state follows, and the page hears `ChatOnline` when the first one is in. */
  private agentsChanged(agentId: string, isIn: boolean): void {
    const had = this.agents.size > 0;
    if (isIn) this.agents.add(agentId);
    else this.agents.delete(agentId);
    this.update({ hasAgent: this.agents.size > 0, queue: this.agents.size > 0 ? null : this.state.queue });
    if (!had) this.announceAgents();
  }

  /** Tells the page the chat is online, once an agent is in it. */
  private announceAgents(): void {
    const chatId = this.contact?.contact.id;
    if (this.agents.size > 0 && chatId !== undefined && this.state.phase === "chat") this.host.emit("ChatOnline", { chatId });
  }

  private ended(): void {
    const chatId = this.contact?.contact.id;
    if (chatId !== undefined && this.state.phase === "chat") this.host.emit("ChatFinished", { chatId, survey: this.surveyFollows });
    // The contact stays: its images and documents can still be opened.
    this.storage.clear();
    this.saved = undefined;
    this.update({ phase: "ended", typing: null, hasAgent: false, queue: null, entries: [...this.state.entries, this.system(this.strings.ended)] });
  }

  private receipt(messageId: string, kind: "received" | "seen"): void {
    const saved = this.saved;
    if (saved) {
      // A late "received" never downgrades "seen".
      if (saved.receipts[messageId] !== "seen") saved.receipts[messageId] = kind;
      this.storage.save(saved);
    }
    const entry = this.state.entries.find((e) => e.id === messageId);
    if (entry && entry.status !== "seen") this.patch(entry.key, { status: kind });
  }

  /** A send resolved: the entry gets its id, and any receipt that raced ahead of it. */
  private committed(key: string, id: string): void {
    const status: Status = this.saved?.receipts[id] ?? "sent";
    // The SDK gives the id only: the time shown is when this page learnt of the commit, within a moment of it.
    this.patch(key, { id, status, ts: new Date().toISOString() });
  }

  private async loadThumbnail(key: string): Promise<void> {
    const entry = this.state.entries.find((e) => e.key === key);
    const contact = this.contact;
    if (!entry || !contact || entry.id === undefined) return;
    try {
      const file = await contact.GetMultimediaMessageInActiveChat(contact.contact.id, entry.id, "thumbnail");
      this.patch(key, { thumbnail: `data:${file.data.content.mimeType};base64,${file.data.content.img ?? ""}` });
    } catch {
      // Not stored yet (a large file still being processed): multimediaMessageStored triggers another try.
    }
  }

  private system(text: string): Entry {
    return { key: localKey(), kind: "system", isMine: false, author: "", text };
  }

  private forget(): void {
    this.credential = null;
    this.storage.clear();
    this.saved = undefined;
    this.contact = null;
    this.seenMarked.clear();
  }

  private add(entry: Entry): void {
    this.update({ entries: withAnswers([...this.state.entries, entry]) });
  }

  private patch(key: string, patch: Partial<Entry>): void {
    this.update({ entries: this.state.entries.map((e) => (e.key === key ? { ...e, ...patch } : e)) });
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
