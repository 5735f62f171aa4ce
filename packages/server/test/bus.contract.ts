/** The Bus contract: every implementation runs this same suite. */
import { afterEach, describe, expect, it } from "vitest";
import type { Bus } from "../src/bus/types.js";

export interface BusFactory {
  /** Nodes of one cluster: each call gives another node on the same medium. */
  create(): Promise<{ node: () => Bus; cleanup: () => Promise<void> }>;
}

/** Collects messages and resolves when `count` arrived. */
function collector(count: number) {
  const received: unknown[] = [];
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => (resolve = r));
  return {
    received,
    done,
    handler: (message: unknown) => {
      received.push(message);
      if (received.length === count) resolve();
    },
  };
}

export function busContract(name: string, factory: BusFactory): void {
  describe(`Bus contract: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
    });

    it("delivers to other nodes in publish order, never to the publisher", async () => {
      const medium = await factory.create();
      cleanup = medium.cleanup;
      const a = medium.node();
      const b = medium.node();
      const c = collector(50);
      const own: unknown[] = [];
      b.subscribe("ch", c.handler);
      a.subscribe("ch", (m) => own.push(m));
      for (let i = 0; i < 50; i++) await a.publish("ch", { i });
      // A marker from b proves a's handler has seen everything b published before it.
      const marker = collector(1);
      a.subscribe("ch", marker.handler);
      await b.publish("ch", { marker: true });
      await c.done;
      await marker.done;
      expect(c.received).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
      expect(own).toEqual([{ marker: true }]);
      expect(a.nodeId).not.toBe(b.nodeId);
    });

    it("keeps channels apart and stops after unsubscribe", async () => {
      const medium = await factory.create();
      cleanup = medium.cleanup;
      const a = medium.node();
      const b = medium.node();
      const one: unknown[] = [];
      const stop = b.subscribe("one", (m) => one.push(m));
      const two = collector(2);
      b.subscribe("two", two.handler);
      await a.publish("one", 1);
      await a.publish("two", "x");
      stop();
      await a.publish("one", 2);
      await a.publish("two", "y");
      await two.done;
      expect(one).toEqual([1]);
      expect(two.received).toEqual(["x", "y"]);
    });

    it("delivers nothing after close", async () => {
      const medium = await factory.create();
      cleanup = medium.cleanup;
      const a = medium.node();
      const b = medium.node();
      const got: unknown[] = [];
      b.subscribe("ch", (m) => got.push(m));
      const witness = medium.node();
      const seen = collector(1);
      witness.subscribe("ch", seen.handler);
      await b.close();
      await a.publish("ch", "after close");
      await seen.done;
      expect(got).toEqual([]);
    });
  });
}
