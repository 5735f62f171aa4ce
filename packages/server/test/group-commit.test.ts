import { describe, expect, it } from "vitest";
import { GroupCommitter } from "../src/store/group-commit.js";

class Outage extends Error {}

describe("GroupCommitter", () => {
  it("commits requests of one turn together and, when a batch fails, fails only the culprit", async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      commitBatch: (requests) => {
        batches.push(requests);
        return requests.includes(13) ? Promise.reject(new Error("bad request")) : Promise.resolve(requests.map((n) => n * 2));
      },
      commitOne: (n) => (n === 13 ? Promise.reject(new Error("bad request")) : Promise.resolve(n * 2)),
    });
    const results = await Promise.allSettled([1, 13, 3].map((n) => committer.submit(n)));
    expect(batches).toEqual([[1, 13, 3]]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([2, "failed", 6]);
  });

  it("fails the whole batch at once when retrying alone cannot help", async () => {
    let alone = 0;
    let isAway = true;
    const committer = new GroupCommitter<number, number>({
      commitBatch: (requests) => (isAway ? Promise.reject(new Outage("database away")) : Promise.resolve(requests)),
      commitOne: (n) => {
        alone++;
        return Promise.resolve(n);
      },
      isRetryableAlone: (error) => !(error instanceof Outage),
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => committer.submit(n)));
    for (const result of results) expect(result).toMatchObject({ status: "rejected", reason: expect.any(Outage) });
    expect(alone).toBe(0);
    // Once the database is back, the next batch commits.
    isAway = false;
    expect(await committer.submit(4)).toBe(4);
  });
});
