/** Canned responses' placeholders and the `/` search. */
import { describe, expect, it } from "vitest";
import type { CannedResponse } from "@parley/protocol";
import { fillPlaceholders, searchCanned } from "../src/canned-fill.js";

const values = { customerName: "Carla", customerEmail: "carla@example.com", agentName: "Alice", callData: { order: "42", "plan.tier": "gold" } };

describe("fillPlaceholders", () => {
  it("fills the customer, the agent and call data keys, spaces inside the braces allowed", () => {
    expect(fillPlaceholders("Hi {{customer.name}} ({{ customer.email }}), {{agent.name}} here about order {{callData.order}} ({{callData.plan.tier}}).", values)).toBe(
      "Hi Carla (carla@example.com), Alice here about order 42 (gold).",
    );
  });

  it("leaves nothing of an unknown or missing placeholder, and the rest of the text as written", () => {
    expect(fillPlaceholders("{{customer.email}}|{{callData.missing}}|{{agent.phone}}|{{other}}|{single}", { ...values, customerEmail: null })).toBe("|||{{other}}|{single}");
    expect(fillPlaceholders("{{callData.__proto__}}{{callData.constructor}}", values)).toBe("");
  });
});

describe("searchCanned", () => {
  const response = (shortcut: string, title: string): CannedResponse => ({
    id: `CANNED_${shortcut}`,
    scope: "shared",
    ownerId: null,
    title,
    shortcut,
    text: "",
    createdAt: "",
    updatedAt: "",
  });
  const list = [response("thanks", "Thank you"), response("hello", "Greeting"), response("refund-thanks", "Refund done")];

  it("finds by shortcut and title, shortcut prefixes first; everything for an empty query", () => {
    expect(searchCanned(list, "").map((r) => r.shortcut)).toEqual(["thanks", "hello", "refund-thanks"]);
    expect(searchCanned(list, "th").map((r) => r.shortcut)).toEqual(["thanks", "refund-thanks"]);
    expect(searchCanned(list, "GREET").map((r) => r.shortcut)).toEqual(["hello"]);
    expect(searchCanned(list, "nothing")).toEqual([]);
  });
});
