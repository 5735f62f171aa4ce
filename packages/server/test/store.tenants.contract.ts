/**
 * The Store contract for tenants: every implementation runs it (called by
 * `storeContract`). Two tenants hold look-alike data (the same usernames,
 * nicknames and client ids); each one's view is called with the other's chat,
 * event and file ids, and must find nothing and change nothing.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppendRequest, Store, TenantRecord, TenantStore } from "../src/store/types.js";
import { DuplicateTenantError, DuplicateUsernameError } from "../src/store/types.js";
import type { StoreFactory } from "./store.contract.js";
import { media, mediaMessage, newChat, participant, pendingImage, stub, textMessage } from "./store-fixtures.js";

const ts = () => new Date().toISOString();

function tenant(name: string, overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    name,
    displayName: name.toUpperCase(),
    status: "active",
    limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null },
    retentionDays: null,
    createdAt: ts(),
    ...overrides,
  };
}

/** One tenant's look-alike data: an agent `ann`, a chat of `Carla` with a message, a receipt, a sent file and a pending one. */
async function seed(store: TenantStore) {
  const agentId = `USER_${randomUUID()}`;
  await store.createAgent({ id: agentId, username: "ann", nickname: "Ann", passwordHash: "scrypt$x", createdAt: ts() });
  const { chatId, customer } = await newChat(store, ts(), "Carla");
  const sent = textMessage(chatId, customer, "hello", "c1");
  expect((await store.append(sent)).status).toBe("appended");
  const file = media(chatId, customer, true);
  await store.createMedia(file);
  const withFile = mediaMessage(chatId, customer, file.id, "c2");
  expect((await store.append(withFile)).status).toBe("appended");
  const pending = pendingImage(chatId, customer);
  await store.createMedia(pending);
  return { agentId, chatId, customer, messageId: sent.id, fileMessageId: withFile.id, file, pending };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

export function tenantContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, tenants: ${name}`, () => {
    let store: Store;
    let location: Awaited<ReturnType<StoreFactory["create"]>>;

    beforeEach(async () => {
      location = await factory.create();
      store = await location.open();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
      await location.cleanup();
    });

    it("creates, reads, lists and changes tenants; `default` exists from the start", async () => {
      expect((await store.listTenants()).map((t) => t.name)).toEqual(["default"]);
      expect(await store.getTenant("default")).toMatchObject({ name: "default", status: "active", limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null } });
      const acme = tenant("acme", { limits: { maxAgents: 5, maxActiveChats: null, maxStorageBytes: 6 * 1024 ** 3 }, retentionDays: 30 });
      await store.createTenant(acme);
      await expect(store.createTenant(tenant("acme"))).rejects.toBeInstanceOf(DuplicateTenantError);
      expect(await store.getTenant("acme")).toEqual(acme);
      expect(await store.getTenant("globex")).toBeUndefined();

      const changed = await store.updateTenant("acme", { status: "disabled", limits: { maxActiveChats: 20 }, retentionDays: null });
      const expected = { ...acme, status: "disabled", limits: { ...acme.limits, maxActiveChats: 20 }, retentionDays: null };
      expect(changed).toEqual(expected);
      expect(await store.getTenant("acme")).toEqual(expected);
      // An empty patch changes nothing; an unknown tenant is undefined.
      expect(await store.updateTenant("acme", {})).toEqual(expected);
      expect(await store.updateTenant("globex", { status: "disabled" })).toBeUndefined();
      expect((await store.listTenants()).map((t) => t.name)).toEqual(["acme", "default"]);
    });

    describe("two tenants with look-alike data", () => {
      let acme: TenantStore;
      let globex: TenantStore;
      let a: Seeded;
      let g: Seeded;

      beforeEach(async () => {
        await store.createTenant(tenant("acme"));
        await store.createTenant(tenant("globex"));
        acme = store.tenant("acme");
        globex = store.tenant("globex");
        a = await seed(acme);
        g = await seed(globex);
      });

      it("keeps a username per tenant: the same name in two tenants is two agents", async () => {
        const inAcme = await acme.findAgentByUsername("ann");
        const inGlobex = await globex.findAgentByUsername("ann");
        expect(inAcme).toMatchObject({ id: a.agentId, tenant: "acme", role: "agent", disabledAt: null });
        expect(inGlobex).toMatchObject({ id: g.agentId, tenant: "globex" });
        expect(await store.tenant("default").findAgentByUsername("ann")).toBeUndefined();
        await expect(acme.createAgent({ id: `USER_${randomUUID()}`, username: "ann", nickname: "Ann", passwordHash: "x", createdAt: ts() })).rejects.toBeInstanceOf(
          DuplicateUsernameError,
        );
        // A record of another tenant is not created here under cover.
        await expect(acme.createAgent({ ...inGlobex!, id: `USER_${randomUUID()}`, username: "bob" })).rejects.toThrow(/tenant globex/);
        await acme.createAgent({ id: `USER_${randomUUID()}`, username: "sue", nickname: "Sue", passwordHash: "x", role: "supervisor", createdAt: ts() });
        expect(await acme.countAgents()).toBe(2);
        expect(await globex.countAgents()).toBe(1);
        expect(await globex.listAgentNames()).toEqual([{ username: "ann", nickname: "Ann" }]);
        expect((await acme.findAgentByUsername("sue"))?.role).toBe("supervisor");
      });

      it("finds nothing of the other tenant's by id", async () => {
        expect(await globex.getContact(a.chatId)).toBeUndefined();
        expect(await globex.getEvent(a.chatId, a.messageId)).toBeUndefined();
        // The other's message id in one's own chat is no way in either.
        expect(await globex.getEvent(g.chatId, a.messageId)).toBeUndefined();
        expect(await globex.eventsAfter(a.chatId, 0, 100)).toEqual([]);
        expect(await globex.messagesBefore(a.chatId, undefined, 100)).toEqual({ events: [], hasMore: false });
        expect(await globex.getMedia(a.file.id)).toBeUndefined();
        expect(await globex.mediaOfMessage(a.chatId, a.fileMessageId)).toBeUndefined();
        expect(await globex.mediaOfMessage(g.chatId, a.fileMessageId)).toBeUndefined();
        // Each finds its own.
        expect((await acme.getContact(a.chatId))?.nickname).toBe("Carla");
        expect(await acme.mediaOfMessage(a.chatId, a.fileMessageId)).toEqual(a.file);
        expect((await globex.eventsAfter(g.chatId, 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
      });

      it("lists and counts only the tenant's own chats", async () => {
        const listed = await globex.listContacts({ limit: 100 });
        expect(listed.map((c) => c.id)).toEqual([g.chatId]);
        expect(listed[0]?.participants.map((p) => p.userId)).toEqual([g.customer]);
        expect((await globex.listContacts({ search: "carla", limit: 100 })).map((c) => c.id)).toEqual([g.chatId]);
        expect(await globex.listContacts({ search: a.chatId, limit: 100 })).toEqual([]);
        expect((await globex.listContacts({ status: "waiting", limit: 100 })).map((c) => c.id)).toEqual([g.chatId]);
        expect(await globex.countContactsByState()).toEqual({ active: 1, ended: 0 });
        expect(await store.tenant("default").listContacts({ limit: 100 })).toEqual([]);
        expect(await store.tenant("default").countContactsByState()).toEqual({ active: 0, ended: 0 });
      });

      it("refuses appends to the other tenant's chat and changes nothing there", async () => {
        const before = await acme.getContact(a.chatId);
        const agent = `USER_${randomUUID()}`;
        // The same user and client id as acme's first message: no duplicate may answer with acme's original.
        const replay = await globex.append(textMessage(a.chatId, a.customer, "spoof", "c1"));
        expect(replay.status).toBe("contactNotFound");
        expect((await globex.append(textMessage(a.chatId, a.customer, "spoof"))).status).toBe("contactNotFound");
        const receipt: AppendRequest = {
          chatId: a.chatId, id: `EVT_${randomUUID()}`, name: "messageSeen", userId: agent, ts: ts(), data: stub({ messageID: a.messageId }), refId: a.messageId,
        };
        expect(["contactNotFound", "messageNotFound"]).toContain((await globex.append(receipt)).status);
        const join = await globex.append({
          chatId: a.chatId, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent, ts: ts(), data: stub({}),
          change: { kind: "participantJoined", participant: participant(agent, true) },
        });
        expect(join.status).toBe("contactNotFound");
        const at = ts();
        const end = await globex.append({ chatId: a.chatId, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: a.customer, ts: at, data: stub({}), change: { kind: "contactEnded", at } });
        expect(end.status).toBe("contactNotFound");
        expect(await acme.getContact(a.chatId)).toEqual(before);
        expect((await acme.eventsAfter(a.chatId, 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
      });

      it("attaches, finishes and fails only the tenant's own files", async () => {
        // A message of globex's naming acme's file does not reach it.
        const request = mediaMessage(g.chatId, g.customer, a.file.id, "c3");
        expect((await globex.append(request)).status).toBe("appended");
        expect(await globex.mediaOfMessage(g.chatId, request.id)).toBeUndefined();
        const processed = { fullsize: a.pending.fullsize, thumbnail: null, resized: false };
        expect(await globex.finishMedia(a.pending.id, processed)).toBe(false);
        expect(await globex.failMedia(a.pending.id, "MEDIA_CORRUPT")).toBe(false);
        expect(await acme.getMedia(a.pending.id)).toEqual(a.pending);
        // Recording a file under an id acme holds changes acme's nothing, and gives globex nothing.
        await globex.createMedia({ ...a.file, fileName: "other.png" });
        expect(await acme.getMedia(a.file.id)).toEqual(a.file);
        expect(await globex.getMedia(a.file.id)).toBeUndefined();
        // The install-level job sees both tenants' pending files, each with its tenant.
        const pending = (await store.pendingMedia(100)).map((p) => [p.tenant, p.media.id]).sort();
        expect(pending).toEqual([["acme", a.pending.id], ["globex", g.pending.id]].sort());
        expect(await acme.failMedia(a.pending.id, "MEDIA_CORRUPT")).toBe(true);
      });
    });
  });
}
