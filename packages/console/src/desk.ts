/**
 * The agent's desk: the SDK session, the open chats (rooms), which one is on
 * screen, the queue (the SDK's chat feed) and announcements. Components
 * re-render on `subscribe`; everything the agent does goes through here.
 */
import { createLiveChatSdk, LiveChatError, type AgentStatus, type TransferResult, type ChatFeed, type ChatFeedEvent, type ChatListItem, type LiveChatSdk, type ManualAgentStatus } from "@parley/sdk";
import { fetchMyChatIds } from "./my-chats.js";
import { Room, type MessageBody } from "./room.js";
import { loadSoundOn, raise, saveSoundOn, titleOf } from "./notifications.js";
import { loadOpenChats, saveOpenChats, type AgentLogin } from "./session.js";
import { messageTypeOf, waitingSince } from "./text.js";
import type { ChatOffer } from "@parley/protocol";

export interface Upload {
  fileName: string;
  sent: number;
  total: number;
}

export class Desk {
  readonly sdk: LiveChatSdk = createLiveChatSdk();
  readonly rooms = new Map<string, Room>();
  /** The open chats of the server, once the SDK's chat feed has its first snapshot. */
  feed: ChatFeed | undefined;
  selectedId: string | undefined;
  /** The last thing said to screen readers (an ARIA live region shows it). */
  announcement = "";
  /** Chats started since the agent last looked at the queue (the title badge). */
  newChats = 0;
  isSoundOn = loadSoundOn();
  /** Uploads in progress per chat. */
  readonly uploads = new Map<string, Upload>();
  /** The last refused action per chat, shown next to the composer. */
  readonly errors = new Map<string, string>();
  connectionState = "connecting";
  /** The agent's status as the server has it; undefined until it is known. */
  status: AgentStatus | undefined;
  /** Chats an `auto` queue offers to this agent now, by chat id. */
  readonly offers = new Map<string, ChatOffer>();
  /** Offers being accepted or declined (their buttons wait). */
  readonly offersInFlight = new Set<string>();
  private readonly listeners = new Set<() => void>();
  /** Agents' statuses as the presence feed tells them, by agent id. */
  readonly agentStatuses = new Map<string, AgentStatus>();
  /** Chats being joined, so a feed update cannot join one twice. */
  private readonly joining = new Set<string>();

  constructor(
    readonly login: AgentLogin,
    private readonly loggedOut: () => void,
  ) {}

  /** Opens the session and the queue's feed, and joins the agent's chats as the server knows them. */
  async start(): Promise<void> {
    this.sdk.init({ serverUrl: location.origin });
    this.sdk.LIVECHAT.on("state", (context) => {
      this.connectionState = context.state;
      // A withdrawal may be missed while the socket is down; the server rings the offers still open once it is back.
      if (context.state === "disconnected") this.offers.clear();
      this.changed();
    });
    // The agent's own status, wherever it was set (another tab, another device).
    this.sdk.LIVECHAT.on("presence", (presence) => {
      this.agentStatuses.set(presence.agentId, presence.status);
      if (presence.agentId !== this.login.agent.id) return;
      this.status = presence.status;
      this.changed();
    });
    // Offers ring in every tab of the agent; the server withdraws them when they are no longer open.
    this.sdk.LIVECHAT.on("offer", (offer) => {
      this.offers.set(offer.chatId, offer);
      this.announce(`${offer.nickname} is offered to you (queue ${offer.queue}).`);
      raise({ title: "A chat is offered to you", body: `${offer.nickname} (queue ${offer.queue})`, tag: `offer-${offer.chatId}` }, this.isSoundOn);
    });
    document.addEventListener("visibilitychange", this.tabShown);
    this.sdk.LIVECHAT.on("offerWithdrawn", ({ chatId }) => {
      if (this.offers.delete(chatId)) this.changed();
    });
    // A chat this agent left in another tab, or that went back to the queue while they were away, is not theirs any more.
    this.sdk.LIVECHAT.on("error", (context) => {
      if (context.code !== "NOT_A_PARTICIPANT" || context.chatId === undefined || !this.rooms.has(context.chatId)) return;
      const nickname = this.rooms.get(context.chatId)?.customerNickname ?? "a customer";
      this.close(context.chatId);
      this.announce(`The chat with ${nickname} is no longer yours: you left it, or it went back to the queue while you were away.`);
    });
    const loggingIn = this.sdk.LIVECHAT.login(this.login.token, false, false, (reason) => {
      if (reason !== "explicitLogout") this.loggedOut();
    });
    // The feed rides the session's socket; the SDK asks again, with a fresh snapshot, after each reconnect.
    this.sdk.LIVECHAT.watchChats((event) => this.queueChanged(event)).then(
      (feed) => {
        this.feed = feed;
        this.changed();
      },
      (error: unknown) => {
        // A failed login is the start's own failure; only a refusal of a live session is news.
        if (error instanceof LiveChatError && this.sdk.LIVECHAT.state !== "closed") {
          this.announce(`The queue is not available: ${error.message} (${error.code})`);
        }
      },
    );
    await loggingIn;
    // My chats are the server's record (any tab or device; a chat returned to the queue is no longer
    // mine); only when it cannot be read, the chats this tab had open.
    const mine = await fetchMyChatIds(this.login.token).then(
      (ids) => ids.slice().reverse(),
      () => loadOpenChats(),
    );
    for (const chatId of mine) {
      await this.join(chatId).catch(() => undefined);
    }
  }

  /** Accepts an offered chat and opens it. */
  async acceptOffer(chatId: string): Promise<void> {
    this.offersInFlight.add(chatId);
    this.changed();
    try {
      await this.sdk.LIVECHAT.acceptOffer(chatId);
      this.offers.delete(chatId);
      await this.join(chatId);
    } catch (error) {
      this.offers.delete(chatId);
      this.announce(`The chat could not be taken: ${error instanceof LiveChatError ? `${error.message} (${error.code})` : String(error)}`);
    } finally {
      this.offersInFlight.delete(chatId);
      this.changed();
    }
  }

  /** Declines an offered chat: it goes to the next agent. */
  async declineOffer(chatId: string): Promise<void> {
    this.offersInFlight.add(chatId);
    this.changed();
    await this.sdk.LIVECHAT.declineOffer(chatId).catch(() => undefined);
    this.offers.delete(chatId);
    this.offersInFlight.delete(chatId);
    this.changed();
  }

  /** Sets the agent's status on the server (every tab follows). */
  async setStatus(status: ManualAgentStatus): Promise<void> {
    try {
      this.status = await this.sdk.LIVECHAT.setStatus(status);
    } catch (error) {
      this.announce(`The status was not changed: ${error instanceof LiveChatError ? `${error.message} (${error.code})` : String(error)}`);
    }
    this.changed();
  }

  stop(): void {
    document.removeEventListener("visibilitychange", this.tabShown);
    this.feed?.stop();
    void this.sdk.LIVECHAT.logout();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    let unread = 0;
    for (const room of this.rooms.values()) if (!room.isMonitor) unread += room.unread;
    document.title = titleOf(unread, this.newChats);
    for (const listener of this.listeners) listener();
  }

  /** Whether the queue is up to date (connected, with its snapshot). */
  get isQueueLive(): boolean {
    return this.feed?.isLive === true;
  }

  /** Longest wait first, counted from each customer's first wait. */
  get waitingChats(): ChatListItem[] {
    return [...(this.feed?.chats.values() ?? [])].filter((chat) => chat.status === "waiting").sort((a, b) => (waitingSince(a) < waitingSince(b) ? -1 : 1));
  }

  get selected(): Room | undefined {
    return this.selectedId === undefined ? undefined : this.rooms.get(this.selectedId);
  }

  setSound(on: boolean): void {
    this.isSoundOn = on;
    saveSoundOn(on);
    this.changed();
  }

  /** The agent looked at the queue: the badge goes. */
  queueSeen(): void {
    if (this.newChats === 0) return;
    this.newChats = 0;
    this.changed();
  }

  /** Joins a chat (or opens it when joined already); `select: false` leaves the chat on screen as it is. */
  async join(chatId: string, select = true): Promise<void> {
    let room = this.rooms.get(chatId);
    if (room === undefined) {
      if (this.joining.has(chatId)) return;
      this.joining.add(chatId);
      const contact = await this.sdk.LIVECHAT.joinContact(chatId, this.login.agent.nickname).finally(() => this.joining.delete(chatId));
      room = new Room(contact, () => this.changed(), (text) => this.announce(text));
      const joined = room;
      room.onIncoming = (from, what) => this.messageArrived(joined, from, what);
      room.isVisible = () => this.selectedId === joined.id && document.visibilityState === "visible";
      this.rooms.set(chatId, room);
      this.rememberOpenChats();
    }
    if (select || this.selectedId === undefined) this.select(chatId);
    else this.changed();
  }

  /** Supervisors and admins: whether the role allows monitoring, whispers, take-overs and reassignments. */
  get maySupervise(): boolean {
    return this.login.agent.role === "supervisor" || this.login.agent.role === "admin";
  }

  /** The agents the desk has seen (in chats of the feed), with their status when online: transfer targets. */
  get knownAgents(): { id: string; nickname: string; status: AgentStatus }[] {
    const agents = new Map<string, string>();
    for (const chat of this.feed?.chats.values() ?? []) for (const agent of chat.agents) agents.set(agent.id, agent.nickname);
    // An agent online but in no chat of the feed is known by id only: named by its end, which tells agents apart.
    for (const id of this.agentStatuses.keys()) if (!agents.has(id)) agents.set(id, `Agent …${id.slice(-6)}`);
    agents.delete(this.login.agent.id);
    return [...agents].map(([id, nickname]) => ({ id, nickname, status: this.agentStatuses.get(id) ?? "offline" })).sort((a, b) => a.nickname.localeCompare(b.nickname));
  }

  /** Supervisors: opens a chat without joining it (the customer does not know); a chat joined already stays joined. */
  async monitor(chatId: string): Promise<void> {
    if (!this.rooms.has(chatId)) {
      const contact = await this.sdk.LIVECHAT.monitor(chatId);
      const room = new Room(contact, () => this.changed(), (text) => this.announce(text));
      room.isVisible = () => this.selectedId === room.id && document.visibilityState === "visible";
      this.rooms.set(chatId, room);
    }
    this.select(chatId);
  }

  /** Writes an internal note (a whisper in a monitored chat). */
  async sendNote(room: Room, text: string): Promise<void> {
    await this.attempt(room, async () => room.addNote(await room.contact.sendNote(text)));
  }

  /** Hands the chat to an agent or a queue; an agent's chat then leaves this desk, a monitored one stays. */
  async transfer(room: Room, target: { agentId: string; note?: string } | { queue: string; note?: string }): Promise<boolean> {
    let result: TransferResult | undefined;
    await this.attempt(room, async () => {
      result = await room.contact.transfer(target);
    });
    if (result === undefined) return false;
    room.addNote(result.note);
    if (room.isMonitor) this.announce("The chat was reassigned.");
    else {
      this.close(room.id);
      this.announce("The chat was transferred.");
    }
    return true;
  }

  /** Supervisors: take the chat over — join it, and every other agent leaves. */
  async takeOver(room: Room, note: string): Promise<boolean> {
    let isDone = false;
    await this.attempt(room, async () => {
      const result = await room.contact.takeOver(note);
      room.addNote(result.note);
      this.rememberOpenChats();
      isDone = true;
    });
    return isDone;
  }

  select(chatId: string): void {
    this.selectedId = chatId;
    this.rooms.get(chatId)?.markAllSeen();
    this.changed();
  }

  /** Closes an ended chat's tab. */
  close(chatId: string): void {
    this.rooms.delete(chatId);
    if (this.selectedId === chatId) this.selectedId = this.rooms.keys().next().value;
    this.rememberOpenChats();
    this.changed();
  }

  /** Shows the text at once as pending (the SDK holds it while offline), then as sent. */
  async sendText(room: Room, text: string): Promise<void> {
    await this.sendPending(room, { type: "text", text }, () => room.contact.sendMessage(text));
  }

  async sendLink(room: Room, url: string): Promise<void> {
    await this.sendPending(room, { type: "link", url }, () => room.contact.SendLink(url));
  }

  private async sendPending(room: Room, body: MessageBody, send: () => Promise<string>): Promise<void> {
    const localId = room.addPending(body);
    let isSent = false;
    await this.attempt(room, async () => {
      const id = await send();
      isSent = true;
      room.confirm(localId, id);
    });
    if (!isSent) room.fail(localId);
  }

  async sendFile(room: Room, file: File): Promise<void> {
    const messageType = messageTypeOf(file);
    const upload: Upload = { fileName: file.name, sent: 0, total: file.size };
    this.uploads.set(room.id, upload);
    this.changed();
    try {
      await this.attempt(room, async () => {
        const content = messageType === "IMAGE" ? { img: file, fileName: file.name } : { document: file, fileName: file.name };
        const message = await room.contact.SendMultimediaMessage(messageType, content, {
          onProgress: (sent: number, total: number) => {
            upload.sent = sent;
            upload.total = total;
            this.changed();
          },
        });
        const c = message.content;
        room.addOwn(message.id, { type: "media", messageType, fileName: c.fileName, documentType: c.documentType, mimeType: c.mimeType, size: c.size, caption: c.caption });
        if (messageType === "IMAGE") room.setPreview(message.id, URL.createObjectURL(file));
      });
    } finally {
      this.uploads.delete(room.id);
      this.changed();
    }
  }

  typing(room: Room, isWriting: boolean): void {
    if (!room.hasEnded) room.contact.isWriting(isWriting);
  }

  async end(room: Room): Promise<void> {
    await this.attempt(room, () => this.sdk.LIVECHAT.endContact(room.contact));
  }

  async leave(room: Room): Promise<void> {
    await this.attempt(room, async () => {
      await this.sdk.LIVECHAT.leave(room.id);
      this.close(room.id);
    });
  }

  /** A preview (images) or a download link (anything) of a message's file in an open chat. */
  async mediaUrl(room: Room, messageId: string, format: "thumbnail" | "link"): Promise<string> {
    const answer = await room.contact.GetMultimediaMessageInActiveChat(room.id, messageId, format);
    const content = answer.data.content as { img?: string; url?: string; mimeType: string };
    if (format === "thumbnail") return `data:${content.mimeType};base64,${content.img ?? ""}`;
    return content.url ?? "";
  }

  /** Runs an action; a refusal is shown next to the composer with the server's message. */
  private async attempt(room: Room, action: () => Promise<unknown>): Promise<void> {
    this.errors.delete(room.id);
    try {
      await action();
    } catch (error) {
      const message = error instanceof LiveChatError ? `${error.message} (${error.code})` : String(error);
      this.errors.set(room.id, message);
      this.announce(`Not sent: ${message}`);
    }
    this.changed();
  }

  private announce(text: string): void {
    this.announcement = text;
    this.changed();
  }

  private queueChanged(event: ChatFeedEvent): void {
    if (event.change === "started") this.chatStarted(event.chat);
    // Joined in another tab or on another device: it is one of my chats here too.
    if (event.change === "updated" && !this.rooms.has(event.chat.id) && event.chat.agents.some((a) => a.id === this.login.agent.id && a.isPresent)) {
      this.join(event.chat.id, false).catch(() => undefined);
      return;
    }
    this.changed();
  }

  private chatStarted(chat: ChatListItem): void {
    this.newChats += 1;
    this.announce(`New chat from ${chat.nickname}`);
    raise({ title: "New chat waiting", body: `${chat.nickname}: ${chat.firstMessage?.text ?? ""}`.trim(), tag: `chat-${chat.id}` }, this.isSoundOn);
  }

  /** Back in the tab: the chat on screen is read. */
  private readonly tabShown = (): void => {
    if (document.visibilityState !== "visible" || this.selected === undefined) return;
    this.selected.markAllSeen();
    this.changed();
  };

  /** A message from someone else in one of my chats. */
  private messageArrived(room: Room, from: string, what: string): void {
    raise({ title: `New message from ${from}`, body: what, tag: `message-${room.id}`, isQuiet: true, onClick: () => this.select(room.id) }, this.isSoundOn);
  }

  private rememberOpenChats(): void {
    saveOpenChats([...this.rooms.values()].filter((room) => !room.isMonitor).map((room) => room.id));
  }
}
