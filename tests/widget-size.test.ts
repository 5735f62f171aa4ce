/**
 * The widget's budget: what a page downloads before the first view shows (the
 * loader, `widget/main.js` and what it imports statically) stays within
 * 30 KiB gzipped; the SDK's connection and later parts load on demand. Reads
 * the build (`npm run build -w @parley/widget`).
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIRST_VIEW_BUDGET_BYTES, firstView } from "../packages/widget/scripts/first-view.mjs";

const DIST = new URL("../packages/widget/dist/", import.meta.url);

describe("the widget's size", () => {
  it("keeps its first view within 30 KiB gzipped, and loads the rest on demand", () => {
    expect(FIRST_VIEW_BUDGET_BYTES).toBe(30 * 1024);
    const { files, total } = firstView(DIST);
    expect([...files.keys()].slice(0, 2)).toEqual(["widget.js", "widget/main.js"]);
    expect(total, `first view: ${[...files].map(([file, bytes]) => `${file} ${bytes} B`).join(", ")}`).toBeLessThanOrEqual(FIRST_VIEW_BUDGET_BYTES);
    // The SDK is not part of it: at least one chunk is fetched only on demand.
    const onDemand = readdirSync(new URL("widget/", DIST)).filter((name) => !files.has(`widget/${name}`));
    expect(onDemand.length).toBeGreaterThan(0);
  });
});
