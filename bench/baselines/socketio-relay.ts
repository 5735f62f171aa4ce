/**
 * The baseline: the chat relay a team would write in an afternoon with
 * Socket.IO. One room per chat; messages, typing and receipts are relayed to
 * the room; no persistence, no validation, no receipts bookkeeping, no limits.
 * A message is acknowledged as soon as it was relayed.
 *
 * Run: `tsx bench/baselines/socketio-relay.ts --port 0`; prints `listening <port>`.
 * @module
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "socket.io";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" }, host: { type: "string", default: "127.0.0.1" } } });

const http = createServer((request, response) => {
  // A customer starts a chat: the relay only hands out a room name.
  if (request.method === "POST" && request.url === "/chats") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ chatId: `CHAT_${randomUUID()}` }));
    return;
  }
  response.writeHead(404).end();
});
const io = new Server(http, { transports: ["websocket"], maxHttpBufferSize: 1e6 });

let nextId = 0;

interface Sent {
  chatId: string;
  text: string;
  image?: string;
}

io.on("connection", (socket) => {
  const nickname = String(socket.handshake.auth.nickname ?? "guest");
  socket.on("join", (chatId: string, ack: () => void) => {
    void socket.join(chatId);
    ack();
  });
  socket.on("send", (message: Sent, ack: (id: string) => void) => {
    const id = `MSG_${++nextId}`;
    socket.to(message.chatId).emit("message", { id, ...message, user: { id: socket.id, nickname }, ts: Date.now() });
    ack(id);
  });
  socket.on("typing", (chatId: string, bwrite: boolean) => {
    socket.to(chatId).emit("isWriting", { chatId, bwrite, user: { id: socket.id, nickname } });
  });
  socket.on("receipt", (chatId: string, messageId: string, kind: "received" | "seen") => {
    socket.to(chatId).emit(kind === "received" ? "messageReceived" : "messageSeen", { chatId, messageID: messageId, user: { id: socket.id, nickname }, ts: Date.now() });
  });
});

http.listen(Number(values.port), values.host, () => {
  const address = http.address();
  console.log(`listening ${typeof address === "object" && address !== null ? address.port : values.port}`);
});

const stop = (): void => {
  void io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
