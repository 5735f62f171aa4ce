/** Confusable skeletons and the agents' names customers may not take. */
import { describe, expect, it } from "vitest";
import { AgentNames } from "../src/auth/agent-names.js";
import { skeleton } from "../src/auth/lookalikes.js";

describe("skeleton", () => {
  it("maps look-alikes of a name to the same skeleton", () => {
    const base = skeleton("Alice Martin");
    for (const lookalike of [
      "alice martin",
      "ALICE MARTIN",
      "\u0410lic\u0435 M\u0430rtin", // Cyrillic А, е, а
      "\u0391lice \u039Cartin", // Greek Α, Μ
      "A1ice Mart1n",
      "Alicé Martín",
      "\uFF21lice \uFF2Dartin", // full-width
      "Alice.Martin",
      "Alice_Martin",
      "AIice Martin", // capital I for l
    ]) {
      expect(skeleton(lookalike), lookalike).toBe(base);
    }
    expect(skeleton("Support Team")).toBe(skeleton("Supp0rt Tearn"));
  });

  it("keeps different names apart", () => {
    const base = skeleton("Alice Martin");
    for (const other of ["Alicia Martin", "Alice Marti", "Bob", "Alice Martinez"]) expect(skeleton(other), other).not.toBe(base);
  });

  it("is linear in the name's length", () => {
    // A pathological name is handled in one pass (bounded anyway by maxNicknameLength before this runs).
    expect(skeleton("rn".repeat(10_000))).toBe("m".repeat(10_000));
  });
});

describe("AgentNames", () => {
  it("reads the agents' names once per interval, and sees an agent added after it", async () => {
    const agents = [{ username: "alice", nickname: "Alice Martin" }];
    let reads = 0;
    let now = 0;
    const names = new AgentNames(
      {
        listAgentNames: async () => {
          reads += 1;
          return [...agents];
        },
      },
      5_000,
      () => now,
    );
    expect(await Promise.all([names.isReserved("Alice Martin"), names.isReserved("ALICE"), names.isReserved("Bob")])).toEqual([true, true, false]);
    expect(reads).toBe(1);
    agents.push({ username: "bob", nickname: "Bob" });
    expect(await names.isReserved("B0b")).toBe(false);
    now += 5_000;
    expect(await names.isReserved("B0b")).toBe(true);
    expect(reads).toBe(2);
  });
});
