/**
 * The canned response queries against a real store: the shared list and each
 * agent's own, shortcuts unique per scope, the count limit per scope, changes
 * and removals, and tenants that never see each other's.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewCanned } from "../src/store/canned-queries.js";
import type { Store } from "../src/store/types.js";

export interface CannedPlace {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export interface CannedStoreFactory {
  create(): Promise<CannedPlace>;
}

const agentId = () => `USER_${randomUUID()}`;

function canned(shortcut: string, owner: NewCanned["owner"], text = `Text of ${shortcut}`): NewCanned {
  return { id: `CANNED_${randomUUID()}`, owner, title: `Title ${shortcut}`, shortcut, text, at: new Date().toISOString() };
}

export function cannedStoreContract(name: string, factory: CannedStoreFactory): void {
  describe(`canned response queries: ${name}`, () => {
    let place: CannedPlace;
    let store: Store;

    beforeEach(async () => {
      place = await factory.create();
      store = await place.open();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
      await place.cleanup();
    });

    const tenant = () => store.tenant("default");

    it("lists the shared ones, then the agent's own, each by shortcut; another agent's stay out", async () => {
      const [alice, bob] = [agentId(), agentId()];
      for (const response of [
        canned("thanks", { scope: "shared" }),
        canned("hello", { scope: "shared" }),
        canned("zeta", { scope: "personal", agentId: alice }),
        canned("bye", { scope: "personal", agentId: alice }),
        canned("mine", { scope: "personal", agentId: bob }),
      ]) {
        expect((await tenant().createCanned(response, 10)).status).toBe("done");
      }
      const list = await tenant().listCanned(alice);
      expect(list.map((r) => [r.scope, r.shortcut, r.ownerId])).toEqual([
        ["shared", "hello", null],
        ["shared", "thanks", null],
        ["personal", "bye", alice],
        ["personal", "zeta", alice],
      ]);
      expect(list[0]).toMatchObject({ title: "Title hello", text: "Text of hello" });
      expect((await tenant().listCanned(bob)).map((r) => r.shortcut)).toEqual(["hello", "thanks", "mine"]);
    });

    it("keeps shortcuts unique per scope: the same one may be shared and personal, or two agents' own", async () => {
      const [alice, bob] = [agentId(), agentId()];
      expect((await tenant().createCanned(canned("hello", { scope: "shared" }), 10)).status).toBe("done");
      expect(await tenant().createCanned(canned("hello", { scope: "shared" }), 10)).toEqual({ status: "taken" });
      expect((await tenant().createCanned(canned("hello", { scope: "personal", agentId: alice }), 10)).status).toBe("done");
      expect((await tenant().createCanned(canned("hello", { scope: "personal", agentId: bob }), 10)).status).toBe("done");
      expect(await tenant().createCanned(canned("hello", { scope: "personal", agentId: alice }), 10)).toEqual({ status: "taken" });
      expect((await tenant().listCanned(alice)).length).toBe(2);
    });

    it("refuses past the count limit of the scope, and only of that scope", async () => {
      const alice = agentId();
      for (const shortcut of ["a", "b"]) expect((await tenant().createCanned(canned(shortcut, { scope: "personal", agentId: alice }), 2)).status).toBe("done");
      expect(await tenant().createCanned(canned("c", { scope: "personal", agentId: alice }), 2)).toEqual({ status: "limit", limit: 2 });
      expect((await tenant().createCanned(canned("c", { scope: "personal", agentId: agentId() }), 2)).status).toBe("done");
      expect((await tenant().createCanned(canned("c", { scope: "shared" }), 2)).status).toBe("done");
      expect((await tenant().listCanned(alice)).map((r) => r.shortcut)).toEqual(["c", "a", "b"]);
    });

    it("changes fields, refuses a shortcut taken in the same scope, and removes", async () => {
      const alice = agentId();
      const first = canned("hello", { scope: "shared" });
      await tenant().createCanned(first, 10);
      await tenant().createCanned(canned("bye", { scope: "shared" }), 10);
      await tenant().createCanned(canned("mine", { scope: "personal", agentId: alice }), 10);
      const later = new Date(Date.now() + 1000).toISOString();
      const changed = await tenant().updateCanned(first.id, { title: "Greeting", text: "Hi {{customer.name}}" }, later);
      expect(changed).toMatchObject({ status: "done", response: { id: first.id, shortcut: "hello", title: "Greeting", text: "Hi {{customer.name}}", updatedAt: later, createdAt: first.at } });
      expect(await tenant().getCanned(first.id)).toEqual(changed.status === "done" ? changed.response : undefined);
      expect(await tenant().updateCanned(first.id, { shortcut: "bye" }, later)).toEqual({ status: "taken" });
      // A personal shortcut does not collide with a shared one.
      expect((await tenant().updateCanned(first.id, { shortcut: "mine" }, later)).status).toBe("done");
      expect(await tenant().updateCanned(`CANNED_${randomUUID()}`, { title: "x" }, later)).toEqual({ status: "missing" });
      expect(await tenant().deleteCanned(first.id)).toBe(true);
      expect(await tenant().deleteCanned(first.id)).toBe(false);
      expect(await tenant().getCanned(first.id)).toBeUndefined();
    });

    it("keeps each tenant's to itself", async () => {
      const alice = agentId();
      const shared = canned("hello", { scope: "shared" });
      await tenant().createCanned(shared, 10);
      const other = store.tenant("other");
      expect(await other.listCanned(alice)).toEqual([]);
      expect(await other.getCanned(shared.id)).toBeUndefined();
      expect(await other.updateCanned(shared.id, { title: "x" }, new Date().toISOString())).toEqual({ status: "missing" });
      expect(await other.deleteCanned(shared.id)).toBe(false);
      // The same shortcut is free in another tenant, and the count limit is per tenant.
      expect((await other.createCanned(canned("hello", { scope: "shared" }), 1)).status).toBe("done");
      expect((await tenant().getCanned(shared.id))?.title).toBe("Title hello");
    });
  });
}
