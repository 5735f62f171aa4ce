/**
 * The admin page's tab slots (packages/console/src/admin-tabs.ts): tabs other
 * parts of the console register take their place after the admin page's own
 * (queues, then webhooks, then any other), a tab registered twice is there
 * once, and a slot nobody filled shows nothing.
 */
import { describe, expect, it } from "vitest";
import { orderTabs, registerAdminTab, registeredAdminTabs, type AdminTab } from "../packages/console/src/admin-tabs.js";

const tab = (id: string): AdminTab => ({ id, label: id, render: () => id });

describe("admin tabs", () => {
  it("puts the known slots in their order and the others after, as registered", () => {
    const ordered = orderTabs([tab("reports"), tab("webhooks"), tab("agents"), tab("queues"), tab("api-keys"), tab("billing")]);
    expect(ordered.map((t) => t.id)).toEqual(["agents", "api-keys", "queues", "webhooks", "reports", "billing"]);
  });

  it("shows no empty slot, and a tab registered again replaces the first", () => {
    expect(orderTabs([tab("agents"), tab("api-keys")]).map((t) => t.id)).toEqual(["agents", "api-keys"]);
    registerAdminTab({ id: "queues", label: "Queues (old)", render: () => "old" });
    registerAdminTab({ id: "queues", label: "Queues", render: () => "new" });
    expect(registeredAdminTabs().map((t) => [t.id, t.label])).toEqual([["queues", "Queues"]]);
  });
});
