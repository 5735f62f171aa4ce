/** The Bus contract: every implementation runs this same suite. */
import { afterEach, describe, expect, it } from "vitest";
import type { Bus } from "../src/bus/types.js";

export interface BusFactory {
  /** Nodes of one cluster: each call gives another node on the same medium. */
  create(): Promise<{ node: () => Promise<Bus>; cleanup: () => Promise<void> }>;
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
      const a = await medium.node();
      const b = await medium.node();
      const c = collector(50);
      const own: unknown[] = [];
      await b.subscribe("ch", c.handler).ready;
      await a.subscribe("ch", (m) => own.push(m)).ready;
      for (let i = 0; i < 50; i++) await a.publish("ch", { i });
      // A marker from b proves a's handler has seen everything b published before it.
      const marker = collector(1);
      await a.subscribe("ch", marker.handler).ready;
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
      const a = await medium.node();
      const b = await medium.node();
      const one: unknown[] = [];
      const stop = b.subscribe("one", (m) => one.push(m));
      await stop.ready;
      const two = collector(2);
      await b.subscribe("two", two.handler).ready;
      await a.publish("one", 1);
      await a.publish("two", "x");
      stop();
      await a.publish("one", 2);
      await a.publish("two", "y");
      await two.done;
      expect(one).toEqual([1]);
      expect(two.received).toEqual(["x", "y"]);
    });

    it("keeps delivering to the other handlers of a channel when one unsubscribes", async () => {
      const medium = await factory.create();
      cleanup = medium.cleanup;
      const a = await medium.node();
      const b = await medium.node();
      const first = collector(1);
      const stopFirst = b.subscribe("ch", first.handler);
      await stopFirst.ready;
      const second = collector(2);
      await b.subscribe("ch", second.handler).ready;
      await a.publish("ch", 1);
      await first.done;
      stopFirst();
      await a.publish("ch", 2);
      await second.done;
      expect(second.received).toEqual([1, 2]);
      expect(first.received).toEqual([1]);
    });

    it("delivers nothing after close", async () => {
      const medium = await factory.create();
      cleanup = medium.cleanup;
      const a = await medium.node();
      const b = await medium.node();
      const got: unknown[] = [];
      await b.subscribe("ch", (m) => got.push(m)).ready;
      const witness = await medium.node();
      const seen = collector(1);
      await witness.subscribe("ch", seen.handler).ready;
      await b.close();
      await a.publish("ch", "after close");
      await seen.done;
      expect(got).toEqual([]);
    });
  });
}
