/**
 * The queue queries against a real store: queues and members, the waiting
 * chats with their routing state, and the conditional writes routing relies
 * on — of two nodes (two stores over one database) offering, accepting or
 * handling a waiting limit at once, exactly one wins.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../src/store/types.js";
import { newChat, participant, stub } from "./store-fixtures.js";

export interface QueuePlace {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export interface QueueStoreFactory {
  create(): Promise<QueuePlace>;
}

const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
const agentId = () => `USER_${randomUUID()}`;

export function queueStoreContract(name: string, factory: QueueStoreFactory): void {
  describe(`queue queries: ${name}`, () => {
    let place: QueuePlace;
    let store: Store;
    let other: Store;

    beforeEach(async () => {
      place = await factory.create();
      store = await place.open();
      await store.migrate();
      other = await place.open();
    });
    afterEach(async () => {
      await other.close();
      await store.close();
      await place.cleanup();
    });

    const queues = () => store.tenant("default");

    it("keeps queues with their members; default exists unset, and is configured in place", async () => {
      const [alice, bob] = [agentId(), agentId()];
      expect((await queues().listQueues()).map((q) => q.name)).toEqual(["default"]);
      const sales = { name: "sales", mode: "auto" as const, offerSeconds: 20, waitLimitSeconds: 60, waitLimitAction: "tell" as const, waitLimitMessage: "Soon", members: [alice, bob] };
      expect(await queues().createQueue(sales, iso())).toBe(true);
      expect(await queues().createQueue(sales, iso())).toBe(false);
      expect(await queues().getQueue("sales")).toEqual({ ...sales, members: [alice, bob].sort() });
      expect(await queues().updateQueue("sales", { mode: "manual" }, [bob], iso())).toBe(true);
      expect(await queues().getQueue("sales")).toMatchObject({ mode: "manual", offerSeconds: 20, members: [bob] });
      expect(await queues().updateQueue("nowhere", { mode: "auto" }, undefined, iso())).toBe(false);
      expect(await queues().updateQueue("default", { mode: "auto" }, [alice], iso())).toBe(true);
      expect(await queues().getQueue("default")).toMatchObject({ mode: "auto", members: [alice] });
      await queues().setAgentQueues(alice, ["sales", "vip"], iso());
      expect((await queues().getQueue("sales"))?.members.sort()).toEqual([alice, bob].sort());
      expect(await queues().getQueue("vip")).toMatchObject({ mode: "manual", members: [alice] });
      expect((await queues().getQueue("default"))?.members).toEqual([]);
      expect(await queues().deleteQueue("sales")).toBe(true);
      expect(await queues().deleteQueue("sales")).toBe(false);
      expect((await queues().listQueues()).map((q) => q.name)).toEqual(["default", "vip"]);
      // Another tenant sees none of it.
      expect((await store.tenant("acme").listQueues()).map((q) => q.name)).toEqual(["default"]);
    });

    it("lists waiting chats first waiting first; an offer is won once, accepted once, and lapses by its time", async () => {
      const first = await newChat(store, iso(-2000));
      const second = await newChat(store, iso(-1000));
      const waiting = await queues().waitingChats(10);
      expect(waiting.map((c) => c.chatId)).toEqual([first.chatId, second.chatId]);
      expect(waiting[0]).toMatchObject({ queue: "default", offer: null, passed: [], limitHandled: false });
      const chat = waiting[0]!;
      const [alice, bob] = [agentId(), agentId()];

      // Two nodes offer the same chat at once: one wins.
      const won = await Promise.all([
        queues().offerChat(chat, alice, [], iso(), iso(30_000)),
        other.tenant("default").offerChat(chat, bob, [], iso(), iso(30_000)),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const offeredTo = won[0] ? alice : bob;
      const notOffered = won[0] ? bob : alice;
      expect((await queues().waitingChats(10))[0]?.offer?.agentId).toBe(offeredTo);
      expect(await queues().acceptOffer(chat.chatId, notOffered, iso(), iso(30_000))).toBe(false);
      // Accepted by the offered agent, from two tabs at once: once.
      const accepted = await Promise.all([
        queues().acceptOffer(chat.chatId, offeredTo, iso(), iso(30_000)),
        other.tenant("default").acceptOffer(chat.chatId, offeredTo, iso(), iso(30_000)),
      ]);
      expect(accepted.filter(Boolean)).toHaveLength(1);
      // An accepted offer holds the chat: nobody else is offered it meanwhile.
      expect(await queues().offerChat(chat, notOffered, [], iso(), iso(30_000))).toBe(false);

      // The other chat's offer lapses: after its time, another agent may be offered it.
      const next = (await queues().waitingChats(10))[1]!;
      expect(await queues().offerChat(next, alice, [], iso(), iso(-1))).toBe(true);
      expect(await queues().acceptOffer(next.chatId, alice, iso(), iso(30_000))).toBe(false);
      expect(await queues().offerChat(next, bob, [alice], iso(), iso(30_000))).toBe(true);
      expect((await queues().waitingChats(10))[1]).toMatchObject({ offer: { agentId: bob }, passed: [alice] });
      // A decline passes the agent over and closes the offer.
      expect(await queues().declineOffer(next.chatId, alice)).toBe(false);
      expect(await queues().declineOffer(next.chatId, bob)).toBe(true);
      expect((await queues().waitingChats(10))[1]).toMatchObject({ offer: null, passed: [alice, bob] });
      expect(await queues().offerState(next.chatId)).toEqual({ offeredTo: null, passed: [alice, bob] });
    });

    it("an agent's join closes the offer and records the wait once; the chat is no longer waiting", async () => {
      const { chatId } = await newChat(store, iso(-5000));
      const [alice, bob] = [agentId(), agentId()];
      const chat = (await queues().waitingChats(10))[0]!;
      await queues().offerChat(chat, bob, [], iso(), iso(30_000));
      await queues().append({ chatId, id: `EVT_${randomUUID()}`, name: "userAdded", userId: alice, ts: iso(), data: stub({ chatId }), change: { kind: "participantJoined", participant: participant(alice, true) } });
      expect(await queues().agentJoined(chatId, alice, iso())).toEqual({ offeredTo: bob });
      expect(await queues().waitingChats(10)).toEqual([]);
      expect(await queues().agentLoads()).toEqual(new Map([[alice, 1]]));
      expect(await queues().recentAssignments("default", 10)).toHaveLength(1);
      // A second agent joining the same wait records nothing more.
      expect(await queues().agentJoined(chatId, bob, iso())).toEqual({ offeredTo: null });
      expect(await queues().recentAssignments("default", 10)).toHaveLength(1);

      // The agent leaves: a new wait, with a fresh routing state.
      await queues().append({ chatId, id: `EVT_${randomUUID()}`, name: "userLeft", userId: alice, ts: iso(), data: stub({ chatId }), change: { kind: "participantLeft", userId: alice, at: iso(1) } });
      const again = (await queues().waitingChats(10))[0]!;
      expect(again).toMatchObject({ chatId, offer: null, passed: [], limitHandled: false });
      expect(again.spell > again.firstWaitAt).toBe(true);
    });

    it("moves a chat to another queue: it waits there with its first wait kept, and the old queue's offer closes", async () => {
      const { chatId } = await newChat(store, iso(-5000));
      const chat = (await queues().waitingChats(10))[0]!;
      const alice = agentId();
      await queues().offerChat(chat, alice, [], iso(), iso(30_000));
      expect(await queues().moveToQueue(chatId, "billing")).toBe(true);
      const moved = (await queues().waitingChats(10))[0]!;
      expect(moved).toMatchObject({ chatId, queue: "billing", firstWaitAt: chat.firstWaitAt, offer: null, passed: [] });
      expect(await queues().offerState(chatId)).toEqual({ offeredTo: null, passed: [] });
      expect(await queues().moveToQueue(`CHAT_${randomUUID()}`, "billing")).toBe(false);
      // Another tenant cannot move it.
      expect(await store.tenant("acme").moveToQueue(chatId, "sales")).toBe(false);
      expect((await queues().waitingChats(10))[0]?.queue).toBe("billing");
    });

    it("the waiting limit of a wait is taken once, of two nodes", async () => {
      await newChat(store, iso(-5000));
      const chat = (await queues().waitingChats(10))[0]!;
      const taken = await Promise.all([queues().takeWaitLimit(chat), other.tenant("default").takeWaitLimit(chat)]);
      expect(taken.filter(Boolean)).toHaveLength(1);
      expect(await queues().takeWaitLimit(chat)).toBe(false);
      expect((await queues().waitingChats(10))[0]?.limitHandled).toBe(true);
    });
  });
}
