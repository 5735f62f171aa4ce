/**
 * The agent's desk: the SDK session, the open chats (rooms), which one is on
 * screen, the queue (the SDK's chat feed) and announcements. Components
 * re-render on `subscribe`; everything the agent does goes through here.
 */
import { createLiveChatSdk, LiveChatError, type ChatFeed, type ChatFeedEvent, type ChatListItem, type LiveChatSdk } from "@parley/sdk";
import { Room, type MessageBody } from "./room.js";
import { loadOpenChats, loadSoundOn, saveOpenChats, saveSoundOn, type AgentLogin } from "./session.js";
import { messageTypeOf, waitingSince } from "./text.js";

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
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly login: AgentLogin,
    private readonly loggedOut: () => void,
  ) {}

  /** Opens the session and the queue's feed, and rejoins the chats that were open before a reload. */
  async start(): Promise<void> {
    this.sdk.init({ serverUrl: location.origin });
    this.sdk.LIVECHAT.on("state", (context) => {
      this.connectionState = context.state;
      this.changed();
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
    for (const chatId of loadOpenChats()) {
      await this.join(chatId).catch(() => undefined);
    }
  }

  stop(): void {
    this.feed?.stop();
    void this.sdk.LIVECHAT.logout();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    document.title = this.newChats > 0 ? `(${this.newChats}) Parley console` : "Parley console";
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

  async join(chatId: string): Promise<void> {
    let room = this.rooms.get(chatId);
    if (room === undefined) {
      const contact = await this.sdk.LIVECHAT.joinContact(chatId, this.login.agent.nickname);
      room = new Room(contact, () => this.changed(), (text) => this.announce(text));
      const joined = room;
      room.isVisible = () => this.selectedId === joined.id && document.visibilityState === "visible";
      this.rooms.set(chatId, room);
      this.rememberOpenChats();
    }
    this.select(chatId);
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
    this.changed();
  }

  private chatStarted(chat: ChatListItem): void {
    this.newChats += 1;
    this.announce(`New chat from ${chat.nickname}`);
    if (this.isSoundOn) chime();
  }

  private rememberOpenChats(): void {
    saveOpenChats([...this.rooms.keys()]);
  }
}

/** A short two-note chime, made in the browser: no sound file to ship. */
function chime(): void {
  try {
    const audio = new AudioContext();
    for (const [i, frequency] of [660, 880].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, audio.currentTime + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + i * 0.15);
      oscillator.stop(audio.currentTime + i * 0.15 + 0.3);
    }
  } catch {
    // No audio (autoplay policy, no device): the title badge still tells.
  }
}
