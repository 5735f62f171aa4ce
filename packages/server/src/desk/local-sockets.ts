/**
 * This node's sockets as routing reaches them: every socket of each agent
 * (offers ring there) and every customer socket of each chat (positions go
 * there). A customer's socket is told its chat's position when it opens and
 * whenever the position changes; once an agent has the chat, position 0.
 * @module
 */
import type { ChatOffer, OfferFrame, OfferWithdrawnFrame, QueuePosition, QueuePositionFrame } from "@parley/protocol";

/** A socket routing writes frames to. */
export interface DeskSocket {
  write(frame: string, volatile: boolean): void;
}

const keyOf = (tenant: string, id: string): string => `${tenant} ${id}`;

function add(map: Map<string, Set<DeskSocket>>, key: string, socket: DeskSocket): void {
  const set = map.get(key) ?? new Set();
  set.add(socket);
  map.set(key, set);
}

function remove(map: Map<string, Set<DeskSocket>>, key: string, socket: DeskSocket): void {
  const set = map.get(key);
  set?.delete(socket);
  if (set?.size === 0) map.delete(key);
}

export class LocalDeskSockets {
  private readonly agents = new Map<string, Set<DeskSocket>>();
  private readonly customers = new Map<string, Set<DeskSocket>>();
  /** The position last told to a chat's customer sockets, by tenant and chat. */
  private readonly told = new Map<string, QueuePosition>();
  /** Each tenant's latest positions (waiting chats only), for sockets that open later. */
  private readonly latest = new Map<string, Map<string, QueuePosition>>();

  agentOpened(tenant: string, agentId: string, socket: DeskSocket): void {
    add(this.agents, keyOf(tenant, agentId), socket);
  }

  agentClosed(tenant: string, agentId: string, socket: DeskSocket): void {
    remove(this.agents, keyOf(tenant, agentId), socket);
  }

  customerOpened(tenant: string, chatId: string, socket: DeskSocket): void {
    const key = keyOf(tenant, chatId);
    add(this.customers, key, socket);
    const position = this.latest.get(tenant)?.get(chatId);
    if (position === undefined) return;
    this.told.set(key, position);
    socket.write(positionFrame(chatId, position), false);
  }

  customerClosed(tenant: string, chatId: string, socket: DeskSocket): void {
    const key = keyOf(tenant, chatId);
    remove(this.customers, key, socket);
    if (!this.customers.has(key)) this.told.delete(key);
  }

  ring(tenant: string, agentId: string, offer: ChatOffer): void {
    const sockets = this.agents.get(keyOf(tenant, agentId));
    if (sockets === undefined) return;
    const text = offerFrame(offer);
    for (const socket of sockets) socket.write(text, false);
  }

  /** Rings one socket of the agent (a tab opened, or a reconnect, while the offer is open), if it is still open here. */
  ringSocket(tenant: string, agentId: string, socket: DeskSocket, offer: ChatOffer): void {
    if (this.agents.get(keyOf(tenant, agentId))?.has(socket) === true) socket.write(offerFrame(offer), false);
  }

  withdraw(tenant: string, agentId: string, chatId: string): void {
    const sockets = this.agents.get(keyOf(tenant, agentId));
    if (sockets === undefined) return;
    const frame: OfferWithdrawnFrame = { t: "offerWithdrawn", chatId };
    const text = JSON.stringify(frame);
    for (const socket of sockets) socket.write(text, false);
  }

  /** The tenant's waiting chats' positions now: each chat whose position changed is told, and chats no longer waiting get 0. */
  positions(tenant: string, positions: Map<string, QueuePosition>): void {
    this.latest.set(tenant, positions);
    const prefix = `${tenant} `;
    for (const [key, sockets] of this.customers) {
      if (!key.startsWith(prefix)) continue;
      const chatId = key.slice(prefix.length);
      const before = this.told.get(key);
      const now = positions.get(chatId) ?? (before === undefined || before.position === 0 ? undefined : { queue: before.queue, position: 0, etaSeconds: null });
      if (now === undefined || (before !== undefined && before.position === now.position && before.etaSeconds === now.etaSeconds && before.queue === now.queue)) continue;
      this.told.set(key, now);
      const text = positionFrame(chatId, now);
      for (const socket of sockets) socket.write(text, false);
    }
  }
}

function offerFrame(offer: ChatOffer): string {
  const frame: OfferFrame = { t: "offer", ...offer };
  return JSON.stringify(frame);
}

function positionFrame(chatId: string, position: QueuePosition): string {
  const frame: QueuePositionFrame = { t: "queuePosition", chatId, ...position };
  return JSON.stringify(frame);
}
