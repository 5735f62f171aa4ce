/**
 * The Socket.IO baseline driven like the SDK drives Parley: the client sends a
 * delivery receipt for every message it hands to the application, and throttles
 * typing the same way (`true` at most every 3 s while writing, `false` only
 * after a `true`).
 * @module
 */
import { io, type Socket } from "socket.io-client";
import type { ChatHandle, ChatListener, Session, TargetAdapter } from "./adapter.js";

const TYPING_REFRESH_MS = 3_000;

interface Relayed {
  id: string;
  chatId: string;
  text: string;
  image?: string;
}

async function connect(serverUrl: string, nickname: string): Promise<Socket> {
  const socket = io(serverUrl, { transports: ["websocket"], auth: { nickname }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

function attach(socket: Socket, chats: { chatId: string; listener: ChatListener }[]): ChatHandle[] {
  const listeners = new Map(chats.map(({ chatId, listener }) => [chatId, listener]));
  socket.on("message", (message: Relayed) => {
    socket.emit("receipt", message.chatId, message.id, "received");
    listeners.get(message.chatId)?.message(message.id, message.text, message.image === undefined ? "text" : "image");
  });
  socket.on("isWriting", (event: { chatId: string }) => listeners.get(event.chatId)?.typing());
  socket.on("messageReceived", (event: { chatId: string }) => listeners.get(event.chatId)?.received());
  socket.on("messageSeen", (event: { chatId: string }) => listeners.get(event.chatId)?.seen());
  return chats.map(({ chatId }) => {
    let writing = false;
    let lastTypingAt = 0;
    return {
      chatId,
      send: (text, image) =>
        new Promise<void>((resolve) => {
          const message: Omit<Relayed, "id"> = { chatId, text };
          if (image !== undefined) message.image = Buffer.from(image).toString("base64");
          socket.emit("send", message, () => resolve());
        }),
      typing(bwrite) {
        if (bwrite) {
          const now = Date.now();
          if (writing && now - lastTypingAt < TYPING_REFRESH_MS) return;
          writing = true;
          lastTypingAt = now;
          socket.emit("typing", chatId, true);
        } else if (writing) {
          writing = false;
          socket.emit("typing", chatId, false);
        }
      },
      markSeen: (messageId) => void socket.emit("receipt", chatId, messageId, "seen"),
    };
  });
}

async function join(socket: Socket, chatId: string): Promise<void> {
  await new Promise<void>((resolve) => socket.emit("join", chatId, () => resolve()));
}

function session(socket: Socket): Session {
  return {
    close: async () => {
      socket.disconnect();
    },
  };
}

/** Starts a chat: the relay names a room. */
export async function startBaselineChat(serverUrl: string): Promise<string> {
  const response = await fetch(`${serverUrl}/chats`, { method: "POST" });
  return ((await response.json()) as { chatId: string }).chatId;
}

export const socketIoAdapter: TargetAdapter = {
  async startCustomer(serverUrl, nickname, listener) {
    const chatId = await startBaselineChat(serverUrl);
    const socket = await connect(serverUrl, nickname);
    const [chat] = attach(socket, [{ chatId, listener }]);
    await join(socket, chatId);
    return { session: session(socket), chat: chat! };
  },

  async startAgent(serverUrl, _token, chats) {
    const socket = await connect(serverUrl, "Agent");
    const handles = attach(socket, chats);
    for (const { chatId } of chats) await join(socket, chatId);
    return { session: session(socket), chats: handles };
  },
};

/** A customer socket of the idle test. */
export async function joinBaselineChat(serverUrl: string, chatId: string): Promise<Session> {
  const socket = await connect(serverUrl, "Customer");
  await join(socket, chatId);
  return session(socket);
}
