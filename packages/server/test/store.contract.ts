/**
 * The Store contract: every implementation runs this same suite.
 * `makeStore` opens a store on some location; `reopen` opens it again on the
 * same location (for the "survives close" case).
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppendRequest, MediaRecord, Store, TenantStore } from "../src/store/types.js";
import { DuplicateUsernameError, StoreUnavailableError } from "../src/store/types.js";
import { media, mediaMessage, newChat, participant, pendingImage, stub, stubText, textMessage as message } from "./store-fixtures.js";
import { tenantContract } from "./store.tenants.contract.js";

export interface StoreFactory {
  /** A fresh, empty store location. */
  create(): Promise<{ open: () => Promise<Store>; cleanup: () => Promise<void> }>;
}

const ts = () => new Date().toISOString();
const chatId = () => `CHAT_${randomUUID()}`;
const userId = () => `USER_${randomUUID()}`;
const msgId = () => `MSG_${randomUUID()}`;

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let location: Awaited<ReturnType<StoreFactory["create"]>>;
    /** The view every single-tenant case works in: today's install. */
    const inDefault = (): TenantStore => store.tenant("default");

    beforeEach(async () => {
      location = await factory.create();
      store = await location.open();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
      await location.cleanup();
    });

    it("is ready once migrated, and says why not before", async () => {
      await expect(store.ready()).resolves.toBeUndefined();
      const unmigrated = await factory.create();
      const fresh = await unmigrated.open();
      try {
        const refusal = await fresh.ready().then(() => undefined, (error: unknown) => error);
        expect(refusal).toBeInstanceOf(StoreUnavailableError);
        expect((refusal as StoreUnavailableError).code).toBe("STORE_UNAVAILABLE");
        expect((refusal as StoreUnavailableError).reason).toMatch(/migrations 001_initial, 002_media/);
        await fresh.migrate();
        // Migrating again, from several callers at once, changes nothing.
        await Promise.all([fresh.migrate(), fresh.migrate()]);
        await expect(fresh.ready()).resolves.toBeUndefined();
      } finally {
        await fresh.close();
        await unmigrated.cleanup();
      }
    });

    it("starts a chat with the customer's event at seq 1", async () => {
      const { chatId: id, customer } = await newChat(store);
      const contact = await inDefault().getContact(id);
      expect(contact?.status).toBe("active");
      expect(contact?.lastSeq).toBe(1);
      expect(contact?.participants.map((p) => p.userId)).toEqual([customer]);
      const events = await inDefault().eventsAfter(id, 0, 10);
      expect(events.map((e) => [e.seq, e.name])).toEqual([[1, "userAdded"]]);
      expect(await inDefault().getContact(chatId())).toBeUndefined();
    });

    it("gives gap-free seqs to concurrent appends to one chat", async () => {
      const { chatId: id, customer } = await newChat(store);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => inDefault().append(message(id, customer, `m${i}`))));
      const seqs = results.map((r) => (r.status === "appended" ? r.seq : -1)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
      const events = await inDefault().eventsAfter(id, 0, 1000);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
      expect((await inDefault().getContact(id))?.lastSeq).toBe(201);
    });

    it("keeps each chat's seqs gap-free under concurrent appends to many chats", async () => {
      const chats = await Promise.all(Array.from({ length: 10 }, () => newChat(store)));
      await Promise.all(chats.flatMap((c) => Array.from({ length: 30 }, (_, i) => inDefault().append(message(c.chatId, c.customer, `m${i}`)))));
      for (const c of chats) {
        const events = await inDefault().eventsAfter(c.chatId, 0, 1000);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      }
    });

    it("returns the original for a repeated clientId and stores nothing new", async () => {
      const { chatId: id, customer } = await newChat(store);
      const first = await inDefault().append(message(id, customer, "hello", "c-1"));
      const [again, concurrent] = await Promise.all([
        inDefault().append(message(id, customer, "hello", "c-1")),
        inDefault().append(message(id, customer, "hello", "c-1")),
      ]);
      expect(first.status).toBe("appended");
      if (first.status !== "appended") return;
      const original = { status: "duplicate", seq: first.seq, id: first.id, ts: first.ts, name: "message", data: { id: first.id, chatId: id, text: "hello" } };
      for (const r of [again, concurrent]) expect(r).toEqual(original);
      // Another user may use the same clientId.
      const other = userId();
      expect((await inDefault().append(message(id, other, "hi", "c-1"))).status).toBe("appended");
      expect((await inDefault().eventsAfter(id, 0, 100)).length).toBe(3);
    });

    it("answers a repeated clientId with the original's name and data, whatever the repeat holds", async () => {
      const { chatId: id, customer } = await newChat(store);
      const first = message(id, customer, "hello", "c-1");
      expect((await inDefault().append(first)).status).toBe("appended");
      const link: AppendRequest = { chatId: id, id: msgId(), name: "link", userId: customer, ts: ts(), data: stub({ url: "https://x.example" }), clientId: "c-1" };
      for (const repeat of [message(id, customer, "something else", "c-1"), link]) {
        expect(await inDefault().append(repeat)).toMatchObject({ status: "duplicate", id: first.id, name: "message", data: first.data });
      }
      expect((await inDefault().eventsAfter(id, 0, 100)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it("records one receipt per message, user and kind; refuses unknown messages; ignores own", async () => {
      const { chatId: id, customer } = await newChat(store);
      const agent = userId();
      const sent = message(id, customer, "hi");
      await inDefault().append(sent);
      const receipt = (user: string, name: "messageReceived" | "messageSeen", ref = sent.id): AppendRequest => ({
        chatId: id, id: `EVT_${randomUUID()}`, name, userId: user, ts: ts(), data: stub({ messageID: ref }), refId: ref,
      });
      expect((await inDefault().append(receipt(agent, "messageReceived"))).status).toBe("appended");
      expect((await inDefault().append(receipt(agent, "messageReceived"))).status).toBe("receiptIgnored");
      expect((await inDefault().append(receipt(agent, "messageSeen"))).status).toBe("appended");
      expect((await inDefault().append(receipt(customer, "messageSeen"))).status).toBe("receiptIgnored");
      expect((await inDefault().append(receipt(agent, "messageSeen", msgId()))).status).toBe("messageNotFound");
      const events = await inDefault().eventsAfter(id, 0, 100);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });

    it("applies state changes in the same transaction as their events", async () => {
      const { chatId: id, customer } = await newChat(store);
      const agent = userId();
      const joined = await inDefault().append({
        chatId: id, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent, ts: ts(), data: stub({}),
        change: { kind: "participantJoined", participant: participant(agent, true) },
      });
      expect(joined.status).toBe("appended");
      let contact = await inDefault().getContact(id);
      expect(contact?.participants.find((p) => p.userId === agent)?.leftAt).toBeNull();
      const at = ts();
      await inDefault().append({ chatId: id, id: `EVT_${randomUUID()}`, name: "userLeft", userId: agent, ts: at, data: stub({}), change: { kind: "participantLeft", userId: agent, at } });
      contact = await inDefault().getContact(id);
      expect(contact?.participants.find((p) => p.userId === agent)?.leftAt).toBe(at);
      await inDefault().append({ chatId: id, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: customer, ts: at, data: stub({}), change: { kind: "contactEnded", at } });
      contact = await inDefault().getContact(id);
      expect(contact?.status).toBe("ended");
      expect(contact?.endedAt).toBe(at);
      expect(contact?.lastSeq).toBe(4);
      // After the end, messages are refused and take no seq.
      expect((await inDefault().append(message(id, customer, "late"))).status).toBe("contactEnded");
      expect((await inDefault().getContact(id))?.lastSeq).toBe(4);
      expect((await inDefault().append(message(chatId(), customer, "nowhere"))).status).toBe("contactNotFound");
    });

    it("counts chats by state", async () => {
      const before = await inDefault().countContactsByState();
      const { chatId: ended, customer } = await newChat(store);
      await newChat(store);
      await newChat(store);
      const at = ts();
      await inDefault().append({ chatId: ended, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: customer, ts: at, data: stub({}), change: { kind: "contactEnded", at } });
      expect(await inDefault().countContactsByState()).toEqual({ active: before.active + 2, ended: before.ended + 1 });
    });

    it("pages events forward and messages backward", async () => {
      const { chatId: id, customer } = await newChat(store);
      for (let i = 0; i < 25; i++) await inDefault().append(message(id, customer, `m${i}`));
      const forward = await inDefault().eventsAfter(id, 10, 5);
      expect(forward.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15]);
      const newest = await inDefault().messagesBefore(id, undefined, 10);
      expect(newest.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 17));
      expect(newest.hasMore).toBe(true);
      const older = await inDefault().messagesBefore(id, 17, 10);
      expect(older.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 7));
      const oldest = await inDefault().messagesBefore(id, 7, 10);
      expect(oldest.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
      expect(oldest.hasMore).toBe(false);
      expect(stubText(oldest.events[0])).toBe("m0");
    });

    describe("listContacts", () => {
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
      const join = (chat: string, agent: string) =>
        inDefault().append({
          chatId: chat, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent, ts: ts(), data: stub({}),
          change: { kind: "participantJoined", participant: participant(agent, true) },
        });
      const leave = (chat: string, agent: string) =>
        inDefault().append({ chatId: chat, id: `EVT_${randomUUID()}`, name: "userLeft", userId: agent, ts: ts(), data: stub({}), change: { kind: "participantLeft", userId: agent, at: ts() } });
      const end = (chat: string) =>
        inDefault().append({ chatId: chat, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: null, ts: ts(), data: stub({}), change: { kind: "contactEnded", at: ts() } });

      it("lists newest first with participants and the first message, and tells the statuses apart", async () => {
        const waiting = await newChat(store, at(1), "Wanda");
        const taken = await newChat(store, at(2), "Tom");
        const left = await newChat(store, at(3), "Lea");
        const ended = await newChat(store, at(4), "Ed");
        const agent = userId();
        await join(taken.chatId, agent);
        await join(left.chatId, agent);
        await leave(left.chatId, agent);
        await inDefault().append(message(waiting.chatId, waiting.customer, "first"));
        await inDefault().append(message(waiting.chatId, waiting.customer, "second"));
        await end(ended.chatId);

        const all = await inDefault().listContacts({ limit: 10 });
        expect(all.map((c) => c.nickname)).toEqual(["Ed", "Lea", "Tom", "Wanda"]);
        const wanda = all[3];
        expect(wanda?.firstMessage?.seq).toBe(2);
        expect(stubText(wanda?.firstMessage ?? undefined)).toBe("first");
        expect(wanda?.lastSeq).toBe(3);
        expect(all[2]?.firstMessage).toBeNull();
        expect(all[2]?.participants.map((p) => [p.userId, p.isAgent])).toEqual([[taken.customer, false], [agent, true]]);
        expect(all[0]?.status).toBe("ended");

        // Waiting: active with no agent present (one who left does not count); active: an agent present.
        expect((await inDefault().listContacts({ status: "waiting", limit: 10 })).map((c) => c.nickname)).toEqual(["Lea", "Wanda"]);
        expect((await inDefault().listContacts({ status: "active", limit: 10 })).map((c) => c.nickname)).toEqual(["Tom"]);
        expect((await inDefault().listContacts({ status: "ended", limit: 10 })).map((c) => c.nickname)).toEqual(["Ed"]);
      });

      it("pages by keyset, with the id breaking ties of one instant", async () => {
        const instant = at(5);
        const ids = ["CHAT_00000000-0000-4000-8000-000000000001", "CHAT_00000000-0000-4000-8000-000000000002", "CHAT_00000000-0000-4000-8000-000000000003"];
        for (const id of ids) await newChat(store, instant, "Same", id);
        await newChat(store, at(4), "Older");
        const first = await inDefault().listContacts({ limit: 2 });
        expect(first.map((c) => c.id)).toEqual([ids[2], ids[1]]);
        const last = first[1] as { createdAt: string; id: string };
        const second = await inDefault().listContacts({ limit: 2, before: { createdAt: last.createdAt, id: last.id } });
        expect(second.map((c) => c.nickname)).toEqual(["Same", "Older"]);
        expect(second[0]?.id).toBe(ids[0]);
        const third = await inDefault().listContacts({ limit: 2, before: { createdAt: at(4), id: (second[1] as { id: string }).id } });
        expect(third).toEqual([]);
      });

      it("searches a chat id exactly and a nickname in part, ignoring case, with wildcards as plain text", async () => {
        const ann = await newChat(store, at(1), "Annabel Lee");
        await newChat(store, at(2), "JOANNA");
        await newChat(store, at(3), "100%_sure\\");
        await newChat(store, at(4), "Bob");
        expect((await inDefault().listContacts({ search: "anna", limit: 10 })).map((c) => c.nickname)).toEqual(["JOANNA", "Annabel Lee"]);
        expect((await inDefault().listContacts({ search: ann.chatId, limit: 10 })).map((c) => c.nickname)).toEqual(["Annabel Lee"]);
        expect((await inDefault().listContacts({ search: ann.chatId.slice(0, 12), limit: 10 })).map((c) => c.nickname)).toEqual([]);
        expect((await inDefault().listContacts({ search: "%", limit: 10 })).map((c) => c.nickname)).toEqual(["100%_sure\\"]);
        expect((await inDefault().listContacts({ search: "_", limit: 10 })).map((c) => c.nickname)).toEqual(["100%_sure\\"]);
        expect((await inDefault().listContacts({ search: "\\", limit: 10 })).map((c) => c.nickname)).toEqual(["100%_sure\\"]);
        expect((await inDefault().listContacts({ search: "anna", status: "ended", limit: 10 }))).toEqual([]);
      });
    });

    it("keeps call data: stored with the chat, changed with its event, searched, scoped to the tenant", async () => {
      const id = chatId();
      const customer = userId();
      await inDefault().createContact({
        contact: { id, createdAt: ts(), customerUserId: customer, nickname: "Carol", email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: null },
        customer: participant(customer),
        firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: customer, ts: ts(), data: stub({}) },
        callData: { queue: "sales", ecid: "E-1" },
      });
      const other = await newChat(store);
      expect(await inDefault().getCallData(id)).toEqual({ ecid: "E-1", queue: "sales" });
      expect((await inDefault().getContact(id))?.callData).toEqual({ ecid: "E-1", queue: "sales" });
      expect((await inDefault().getContact(other.chatId))?.callData).toEqual({});

      const change = (chat: string, changes: Record<string, string | null>) =>
        inDefault().append({ chatId: chat, id: `EVT_${randomUUID()}`, name: "callDataChanged", userId: null, ts: ts(), data: stub({ changes }), change: { kind: "callDataChanged", changes } });
      expect((await change(id, { queue: "support", account: "A-9", ecid: null })).status).toBe("appended");
      expect(await inDefault().getCallData(id)).toEqual({ account: "A-9", queue: "support" });
      expect((await inDefault().eventsAfter(id, 1, 10)).map((e) => e.name)).toEqual(["callDataChanged"]);

      const found = (callData: Record<string, string>) => inDefault().listContacts({ callData, limit: 10 }).then((list) => list.map((c) => c.id));
      expect(await found({ queue: "support" })).toEqual([id]);
      expect(await found({ queue: "support", account: "A-9" })).toEqual([id]);
      expect(await found({ queue: "support", account: "A-8" })).toEqual([]);
      expect(await found({ ecid: "E-1" })).toEqual([]);
      expect((await inDefault().listContacts({ limit: 10 })).find((c) => c.id === id)?.callData).toEqual({ account: "A-9", queue: "support" });
      expect((await inDefault().listContacts({ customerUserId: customer, limit: 10 })).map((c) => c.id)).toEqual([id]);
      expect(await inDefault().listContacts({ customerUserId: customer, createdSince: new Date(Date.now() + 60_000).toISOString(), limit: 10 })).toEqual([]);

      // Another tenant neither finds nor changes it.
      const elsewhere = store.tenant("other-tenant");
      expect(await elsewhere.getCallData(id)).toEqual({});
      expect(await elsewhere.listContacts({ callData: { queue: "support" }, limit: 10 })).toEqual([]);
      const foreign = await elsewhere.append({ chatId: id, id: `EVT_${randomUUID()}`, name: "callDataChanged", userId: null, ts: ts(), data: stub({}), change: { kind: "callDataChanged", changes: { queue: "stolen" } } });
      expect(foreign.status).toBe("contactNotFound");
      expect(await inDefault().getCallData(id)).toEqual({ account: "A-9", queue: "support" });
    });

    it("creates agents, refuses a taken username and counts them", async () => {
      expect(await inDefault().countAgents()).toBe(0);
      const agent = { id: userId(), username: "ann", nickname: "Ann", passwordHash: "scrypt$x", createdAt: ts() };
      await inDefault().createAgent(agent);
      await expect(inDefault().createAgent({ ...agent, id: userId() })).rejects.toBeInstanceOf(DuplicateUsernameError);
      expect(await inDefault().findAgentByUsername("ann")).toEqual({ ...agent, tenant: "default", role: "agent", disabledAt: null });
      expect(await inDefault().findAgentByUsername("bob")).toBeUndefined();
      expect(await inDefault().countAgents()).toBe(1);
      expect(await inDefault().listAgentNames()).toEqual([{ username: "ann", nickname: "Ann" }]);
      await store.setMeta("k", "v1");
      await store.setMeta("k", "v2");
      expect(await store.getMeta("k")).toBe("v2");
    });

    it("keeps a chat's internal notes apart from its events, in its tenant, and lists open chats with their agents", async () => {
      const { chatId: id } = await newChat(store, "2026-01-01T00:00:00.000Z", "Nora");
      const { chatId: waiting } = await newChat(store, "2026-01-01T00:00:01.000Z", "Omar");
      const author = { id: userId(), nickname: "Alice", isAgent: true };
      const note = (n: number, extra: object = {}) => ({ id: `NOTE_${randomUUID()}`, chatId: id, kind: "note" as const, text: `note ${n}`, author, ts: `2026-01-01T00:00:0${n}.000Z`, ...extra });
      const notes = [note(1), note(2, { kind: "whisper" }), note(3, { kind: "transfer", transfer: { queue: "billing" } }), note(4, { kind: "transfer", transfer: { agentId: author.id, nickname: "Alice" } })];
      for (const each of notes) await inDefault().addNote(each);
      expect(await inDefault().notesOf(id, 10)).toEqual(notes);
      // The newest ones, still oldest first.
      expect((await inDefault().notesOf(id, 2)).map((n) => n.text)).toEqual(["note 3", "note 4"]);
      // Not events: the chat's log and messages do not carry them, and another tenant sees none.
      expect(JSON.stringify(await inDefault().eventsAfter(id, 0, 100))).not.toContain("note 1");
      expect(await store.tenant("acme").notesOf(id, 10)).toEqual([]);

      const agent = { id: userId(), username: "ann", nickname: "Ann", passwordHash: "scrypt$x", createdAt: ts() };
      await inDefault().createAgent(agent);
      expect(await inDefault().agentById(agent.id)).toEqual({ id: agent.id, nickname: "Ann", role: "agent", disabledAt: null });
      expect(await store.tenant("acme").agentById(agent.id)).toBeUndefined();
      await inDefault().append({
        chatId: id, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent.id, ts: ts(), data: stub({}),
        change: { kind: "participantJoined", participant: { ...participant(agent.id, true), nickname: "Ann" } },
      });
      // The queue is the chat's own (a transfer to a queue moves the chat, not only its note).
      await inDefault().moveToQueue(id, "billing");
      const open = await inDefault().openChats(10);
      expect(open.map((chat) => [chat.id, chat.agents.map((a) => a.nickname), chat.queue])).toEqual([
        [id, ["Ann"], "billing"],
        [waiting, [], "default"],
      ]);
      expect(await store.tenant("acme").openChats(10)).toEqual([]);
    });

    it("lists agent accounts and changes them, keeping one enabled admin per tenant", async () => {
      const make = (username: string, role: "agent" | "admin") => ({ id: userId(), username, nickname: username.toUpperCase(), passwordHash: "scrypt$x", createdAt: ts(), role });
      const [ann, bob, cat] = [make("ann", "admin"), make("bob", "admin"), make("cat", "agent")];
      for (const agent of [cat, ann, bob]) await inDefault().createAgent(agent);
      // acme's admin is no admin of default: it counts for its own tenant only.
      const acmeAdmin = make("zed", "admin");
      await store.tenant("acme").createAgent(acmeAdmin);
      await inDefault().setAgentCapacity(cat.id, 5);
      await inDefault().agentsSeen([cat.id], "2026-01-05T10:00:00.000Z");
      const listed = await inDefault().listAgentAccounts();
      expect(listed.map((agent) => agent.username)).toEqual(["ann", "bob", "cat"]);
      expect(listed[2]).toEqual({ id: cat.id, username: "cat", nickname: "CAT", role: "agent", capacity: 5, disabledAt: null, createdAt: cat.createdAt, deskStatus: "available", lastSeenAt: "2026-01-05T10:00:00.000Z" });
      expect(listed[0]).toMatchObject({ capacity: null, deskStatus: null, lastSeenAt: null });
      expect(JSON.stringify(listed)).not.toContain("scrypt");
      expect(await store.tenant("acme").findAgentAccount(cat.id)).toBeUndefined();

      expect(await inDefault().changeAgent(cat.id, { nickname: "Cat", role: "supervisor", capacity: null, passwordHash: "scrypt$y" })).toBe("changed");
      expect(await inDefault().findAgentAccount(cat.id)).toMatchObject({ nickname: "Cat", role: "supervisor", capacity: null });
      expect((await inDefault().findAgentByUsername("cat"))?.passwordHash).toBe("scrypt$y");
      expect(await store.tenant("acme").changeAgent(cat.id, { role: "admin" })).toBe("notFound");

      expect(await inDefault().changeAgent(ann.id, { disabledAt: ts() })).toBe("changed");
      expect(await inDefault().changeAgent(bob.id, { role: "agent" })).toBe("lastAdmin");
      expect(await inDefault().changeAgent(bob.id, { disabledAt: ts() })).toBe("lastAdmin");
      expect(await inDefault().findAgentAccount(bob.id)).toMatchObject({ role: "admin", disabledAt: null });
      expect(await inDefault().changeAgent(ann.id, { disabledAt: null })).toBe("changed");
      // Two admins demoting each other at once: one of them stays.
      const outcomes = await Promise.all([inDefault().changeAgent(ann.id, { role: "agent" }), inDefault().changeAgent(bob.id, { role: "agent" })]);
      expect(outcomes.sort()).toEqual(["changed", "lastAdmin"]);
      expect((await inDefault().listAgentAccounts()).filter((agent) => agent.role === "admin")).toHaveLength(1);
      expect(await store.tenant("acme").findAgentAccount(acmeAdmin.id)).toMatchObject({ role: "admin" });
    });

    it("keeps everything after close and reopen", async () => {
      const { chatId: id, customer } = await newChat(store);
      const pending = Array.from({ length: 20 }, (_, i) => inDefault().append(message(id, customer, `m${i}`, `c${i}`)));
      await Promise.all(pending);
      await store.close();
      store = await location.open();
      await store.migrate();
      const events = await inDefault().eventsAfter(id, 0, 100);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      expect((await inDefault().append(message(id, customer, "m0", "c0"))).status).toBe("duplicate");
      expect((await inDefault().append(message(id, customer, "next"))).status).toBe("appended");
    });

    it("records media files, once per id, with and without thumbnails", async () => {
      const { chatId: id, customer } = await newChat(store);
      const image = media(id, customer, true);
      const document = media(id, customer, false);
      await inDefault().createMedia(image);
      await inDefault().createMedia(document);
      await inDefault().createMedia({ ...image, fileName: "other.png" });
      expect(await inDefault().getMedia(image.id)).toEqual(image);
      expect(await inDefault().getMedia(document.id)).toEqual(document);
      expect(await inDefault().getMedia(`UPLOAD_${randomUUID()}`)).toBeUndefined();
    });

    it("attaches a file to its message in the message's transaction, in that chat only", async () => {
      const { chatId: id, customer } = await newChat(store);
      const other = await newChat(store);
      const file = media(id, customer, true);
      await inDefault().createMedia(file);
      const request = mediaMessage(id, customer, file.id, "m1");
      expect((await inDefault().append(request)).status).toBe("appended");
      expect(await inDefault().mediaOfMessage(id, request.id)).toEqual(file);
      expect((await inDefault().getEvent(id, request.id))?.name).toBe("multimediaMessage");
      expect(await inDefault().getEvent(other.chatId, request.id)).toBeUndefined();
      expect(await inDefault().mediaOfMessage(other.chatId, request.id)).toBeUndefined();
      expect(await inDefault().mediaOfMessage(id, msgId())).toBeUndefined();
      // A retry is a duplicate and attaches nothing new.
      expect((await inDefault().append({ ...mediaMessage(id, customer, file.id, "m1") })).status).toBe("duplicate");
      // An append refused because the chat ended attaches nothing.
      await inDefault().append({ chatId: id, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: customer, ts: ts(), data: stub({}), change: { kind: "contactEnded", at: ts() } });
      const refused = mediaMessage(id, customer, file.id, "m2");
      expect((await inDefault().append(refused)).status).toBe("contactEnded");
      expect(await inDefault().mediaOfMessage(id, refused.id)).toBeUndefined();
    });

    it("keeps an image's processing durable: pending until finished or failed, by the first who does it", async () => {
      const { chatId: id, customer } = await newChat(store);
      const sent = pendingImage(id, customer);
      const unsent = pendingImage(id, customer);
      await inDefault().createMedia(sent);
      await inDefault().createMedia(unsent);
      const request = mediaMessage(id, customer, sent.id, "p1");
      await inDefault().append(request);
      // Both were created in the same millisecond: compare in id order.
      const mine = (list: { media: MediaRecord; messageId: string | null }[]) =>
        list.filter((entry) => entry.media.chatId === id).sort((a, b) => a.media.id.localeCompare(b.media.id));
      const expected = [
        { tenant: "default", media: sent, messageId: request.id },
        { tenant: "default", media: unsent, messageId: null },
      ].sort((a, b) => a.media.id.localeCompare(b.media.id));
      expect(mine(await store.pendingMedia(1000))).toEqual(expected);

      await store.close();
      store = await location.open();
      await store.migrate();
      expect(mine(await store.pendingMedia(1000))).toEqual(expected);

      const blob = (n: number) => n.toString(16).padStart(64, "0");
      const processed = {
        fullsize: { blobKey: blob(7), mimeType: "image/png", size: 800_000, width: 2048, height: 1536 },
        thumbnail: { blobKey: blob(8), mimeType: "image/png", size: 9_000, width: 320, height: 240 },
        resized: true,
      };
      expect(await inDefault().finishMedia(sent.id, processed)).toBe(true);
      // A second node finishing the same file, or failing it, changes nothing.
      expect(await inDefault().finishMedia(sent.id, { ...processed, resized: false })).toBe(false);
      expect(await inDefault().failMedia(sent.id, "MEDIA_CORRUPT")).toBe(false);
      expect(await inDefault().mediaOfMessage(id, request.id)).toEqual({ ...sent, ...processed, state: "stored", failure: null });

      expect(await inDefault().failMedia(unsent.id, "MEDIA_PROCESSING_TIMEOUT")).toBe(true);
      expect(await inDefault().finishMedia(unsent.id, processed)).toBe(false);
      expect(await inDefault().getMedia(unsent.id)).toEqual({ ...unsent, state: "failed", failure: "MEDIA_PROCESSING_TIMEOUT" });
      expect(mine(await store.pendingMedia(1000))).toEqual([]);
      expect(await inDefault().finishMedia(`UPLOAD_${randomUUID()}`, processed)).toBe(false);
    });

    it("keeps media after close and reopen", async () => {
      const { chatId: id, customer } = await newChat(store);
      const file = media(id, customer, false);
      await inDefault().createMedia(file);
      const request = mediaMessage(id, customer, file.id, "d1");
      await inDefault().append(request);
      await store.close();
      store = await location.open();
      await store.migrate();
      expect(await inDefault().mediaOfMessage(id, request.id)).toEqual(file);
    });
  });
  tenantContract(name, factory);
}
