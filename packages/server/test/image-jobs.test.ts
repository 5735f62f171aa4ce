/**
 * The image job queue: how many run at once, how many wait, and one client's
 * share. Jobs are promises the test settles by hand, so every assertion is
 * about counts, never about time.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, configInputFromFlagsAndEnv, defaultImageJobs, resolveConfig, threadPoolSize } from "../src/config.js";
import { ImageJobs } from "../src/media/image-jobs.js";

/** A job that runs until the test finishes it. */
function heldJob(): { job: () => Promise<string>; finish: (value: string) => void; started: () => boolean } {
  let finish: (value: string) => void = () => {};
  let hasStarted = false;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return {
    job: () => {
      hasStarted = true;
      return done;
    },
    finish: (value) => finish(value),
    started: () => hasStarted,
  };
}

/** Lets promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("image jobs", () => {
  it("runs at most `concurrent` jobs; the next one starts when one finishes, in order of arrival", async () => {
    const jobs = new ImageJobs({ concurrent: 2, queued: 8, perClient: 8 });
    const held = [heldJob(), heldJob(), heldJob(), heldJob()];
    const results = held.map((h, i) => {
      const place = jobs.admit(`client ${i}`);
      return place.run(h.job).finally(() => place.release());
    });
    await settle();
    expect(held.map((h) => h.started())).toEqual([true, true, false, false]);
    expect([jobs.active, jobs.queued]).toEqual([2, 2]);
    held[1]!.finish("second");
    await settle();
    expect(held.map((h) => h.started())).toEqual([true, true, true, false]);
    expect([jobs.active, jobs.queued]).toEqual([2, 1]);
    for (const h of held) h.finish("done");
    expect(await Promise.all(results)).toEqual(["done", "second", "done", "done"]);
    expect([jobs.active, jobs.queued]).toEqual([0, 0]);
  });

  it("refuses a client's job past its share with RATE_LIMITED and retryAfterMs, and admits it once a place is released", () => {
    const jobs = new ImageJobs({ concurrent: 2, queued: 8, perClient: 2 });
    const first = jobs.admit("203.0.113.9");
    jobs.admit("203.0.113.9");
    expect(() => jobs.admit("203.0.113.9")).toThrow(expect.objectContaining({ code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } }));
    // Another address is not held back by this one.
    expect(() => jobs.admit("198.51.100.1")).not.toThrow();
    first.release();
    first.release();
    expect(() => jobs.admit("203.0.113.9")).not.toThrow();
  });

  it("checks a deferred job's place in the queue when admitted, counts it there at once, and never refuses its turn", async () => {
    const jobs = new ImageJobs({ concurrent: 1, queued: 2, perClient: 1 });
    const running = heldJob();
    const holder = jobs.admit("someone");
    const first = holder.run(running.job).finally(() => holder.release());
    await settle();
    // Two deferred jobs fill the queue before either asks for its turn; a third is refused now, while its send can be.
    const deferred = [jobs.admitDeferred(), jobs.admitDeferred()];
    expect(jobs.queued).toBe(2);
    expect(() => jobs.admitDeferred()).toThrow(expect.objectContaining({ code: "RATE_LIMITED" }));
    // They count in no client's share: the same sender's upload is still admitted.
    expect(() => jobs.admit("user:sender").release()).not.toThrow();
    const later = deferred.map((place) => place.run(() => Promise.resolve("processed")).finally(() => place.release()));
    await settle();
    expect([jobs.active, jobs.queued]).toEqual([1, 2]);
    running.finish("done");
    expect(await Promise.all([first, ...later])).toEqual(["done", "processed", "processed"]);
    expect([jobs.active, jobs.queued]).toEqual([0, 0]);
    // A released place that never ran leaves the queue too.
    jobs.admitDeferred().release();
    expect(jobs.queued).toBe(0);
  });

  it("refuses a job ready to run once running and waiting jobs fill the node's queue; admitted uploads hold no place in it", async () => {
    const jobs = new ImageJobs({ concurrent: 2, queued: 1, perClient: 8 });
    // Many uploads still arriving take no turn: only what is ready to run counts.
    const arriving = Array.from({ length: 10 }, (_, i) => jobs.admit(`arriving ${i}`));
    const held = [heldJob(), heldJob(), heldJob()];
    const running = held.map((h, i) => jobs.admit(`client ${i}`).run(h.job));
    await settle();
    expect([jobs.active, jobs.queued]).toEqual([2, 1]);
    await expect(arriving[0]!.run(() => Promise.resolve("too many"))).rejects.toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterMs: expect.any(Number) },
    });
    for (const h of held) h.finish("done");
    expect(await Promise.all(running)).toEqual(["done", "done", "done"]);
    expect(await arriving[1]!.run(() => Promise.resolve("its turn"))).toBe("its turn");
  });

  it("passes the turn on when a job fails", async () => {
    const jobs = new ImageJobs({ concurrent: 1, queued: 8, perClient: 8 });
    const failing = jobs.admit("a").run(() => Promise.reject(new Error("broken image")));
    const next = jobs.admit("b").run(() => Promise.resolve("next ran"));
    await expect(failing).rejects.toThrow("broken image");
    expect(await next).toBe("next ran");
    expect(jobs.active).toBe(0);
  });
});

describe("image job configuration", () => {
  const base = { dataDir: "/tmp/parley-image-jobs-config", secret: "config-test-secret-0123456789abcdefghijkl" };

  it("defaults to 2 jobs, 32 waiting, 2 per address and 10 s, from the environment's variables when set", () => {
    expect(resolveConfig(base)).toMatchObject({ imageJobs: 2, imageQueue: 32, imageJobsPerAddress: 2, imageTimeoutMs: 10_000 });
    const env = { PARLEY_IMAGE_JOBS: "1", PARLEY_IMAGE_QUEUE: "0", PARLEY_IMAGE_JOBS_PER_ADDRESS: "5", PARLEY_IMAGE_TIMEOUT_MS: "3000" };
    expect(resolveConfig({ ...base, ...configInputFromFlagsAndEnv({}, env) })).toMatchObject({
      imageJobs: 1,
      imageQueue: 0,
      imageJobsPerAddress: 5,
      imageTimeoutMs: 3_000,
    });
  });

  it("refuses as many image jobs as the thread pool has threads: other work must always find one", () => {
    expect(() => resolveConfig({ ...base, imageJobs: threadPoolSize() })).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, imageJobs: 0 })).toThrow(ConfigError);
  });

  it("leaves two threads of any pool to other work by default", () => {
    expect([1, 2, 3, 4, 8].map((size) => defaultImageJobs(size))).toEqual([1, 1, 1, 2, 2]);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: "8" })).toBe(8);
    expect(threadPoolSize({})).toBe(4);
  });
});
