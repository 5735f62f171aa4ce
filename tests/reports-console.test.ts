/**
 * The console's Reports view in headless Chromium, against a real server
 * started on a data directory that already holds a dated history: the
 * numbers on screen (table and charts) are the history's, by day in the
 * browser's zone and by agent; the CSV download holds the same rows; an
 * agent is not offered the view; axe-core finds nothing serious.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { ReportRow } from "@parley/protocol";
import { EXPECTED_BY_AGENT, EXPECTED_BY_DAY, EXPECTED_TOTAL, REPORT_RANGE } from "../packages/server/test/report-fixtures.js";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn } from "./support/console.js";
import { reportHistoryDataDir } from "./support/report-history.js";
import { startServer, type InProcessServer } from "./support/server.js";

const screenshot = fileURLToPath(new URL("../docs/screenshots/console-reports.png", import.meta.url));
const FIELDS = [
  "started",
  "answered",
  "missed",
  "transferred",
  "waitMedianSeconds",
  "waitP90Seconds",
  "handleMedianSeconds",
  "firstResponseMedianSeconds",
  "satisfactionAverage",
  "satisfactionCount",
] as const;

let server: InProcessServer;
let browser: Browser;
let removeData: () => Promise<void>;

beforeAll(async () => {
  const data = await reportHistoryDataDir();
  removeData = data.remove;
  server = await startServer({ dataDir: data.dir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeData?.();
});

async function consolePage(username: string): Promise<Page> {
  // The browser's zone is the view's default; bypassCSP lets axe-core be injected.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: REPORT_RANGE.tz, acceptDownloads: true, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await logIn(page, server.url, username, `${username}-password`);
  return page;
}

/** What a row of the table shows, as the raw values its cells carry. */
async function shownRow(page: Page, key: string): Promise<Record<string, string>> {
  const row = page.locator(`.report-table tr[data-key="${key}"]`);
  const values = await row.locator("td[data-field]").evaluateAll((cells) => cells.map((cell) => [cell.getAttribute("data-field"), cell.getAttribute("data-value")]));
  return { label: (await row.locator("th").textContent()) ?? "", ...Object.fromEntries(values) };
}

const expectedRow = (row: ReportRow, label = row.label): Record<string, string> => ({
  label,
  ...Object.fromEntries(FIELDS.map((field) => [field, String(row[field] ?? "")])),
});

async function showReport(page: Page, groupBy: string): Promise<void> {
  await page.getByLabel("From", { exact: true }).fill(REPORT_RANGE.from);
  await page.getByLabel("To", { exact: true }).fill(REPORT_RANGE.to);
  await page.getByLabel("Group by", { exact: true }).selectOption(groupBy);
  await page.getByRole("button", { name: "Show report" }).click();
  await page.locator(`.report-table caption`, { hasText: `Report by ${groupBy}, ${REPORT_RANGE.from} to ${REPORT_RANGE.to}` }).waitFor({ state: "attached" });
  await page.locator('.reports[data-state="loaded"]').waitFor();
}

it("shows the seeded history's numbers by day and by agent, downloads them as CSV, and is accessible", async () => {
  const page = await consolePage("sam");
  await page.getByRole("button", { name: "Reports" }).click();
  await page.getByRole("heading", { name: "Reports" }).waitFor();
  expect(await page.getByLabel("Time zone", { exact: true }).inputValue()).toBe(REPORT_RANGE.tz);

  await showReport(page, "day");
  for (const row of EXPECTED_BY_DAY) expect(await shownRow(page, row.key)).toEqual(expectedRow(row));
  expect(await shownRow(page, "total")).toEqual(expectedRow(EXPECTED_TOTAL, "Total"));
  // The numbers in words, as people read them.
  const first = page.locator('.report-table tr[data-key="2026-11-02"]');
  expect(await first.locator('td[data-field="waitMedianSeconds"]').textContent()).toBe("1 min 0 s");
  expect(await first.locator('td[data-field="handleMedianSeconds"]').textContent()).toBe("10 min 0 s");
  expect(await first.locator('td[data-field="firstResponseMedianSeconds"]').textContent()).toBe("1 min 20 s");
  // The charts draw the same numbers.
  const bars = await page.locator(".report-chart rect[data-series]").evaluateAll((rects) =>
    rects.map((rect) => `${rect.closest("g")?.getAttribute("data-key")} ${rect.getAttribute("data-series")} ${rect.getAttribute("data-value")}`),
  );
  expect(bars).toEqual([
    "2026-11-02 started 3",
    "2026-11-02 answered 2",
    "2026-11-02 missed 1",
    "2026-11-03 started 4",
    "2026-11-03 answered 2",
    "2026-11-03 missed 1",
    "2026-11-02 wait 60",
    "2026-11-03 wait 30",
  ]);
  expect(await seriousViolations(page)).toEqual([]);

  await showReport(page, "agent");
  for (const row of EXPECTED_BY_AGENT) expect(await shownRow(page, row.key)).toEqual(expectedRow(row));
  expect(await shownRow(page, "total")).toEqual(expectedRow(EXPECTED_TOTAL, "Total"));
  await page.screenshot({ path: screenshot, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("parley-report-agent-2026-11-02-2026-11-03.csv");
  const lines = (await readFile((await download.path())!, "utf8")).split("\r\n");
  expect(lines[0]).toBe(
    "key,label,started,answered,missed,transferred,wait_median_seconds,wait_p90_seconds,handle_median_seconds,first_response_median_seconds,satisfaction_average,satisfaction_count",
  );
  expect(lines.slice(1)).toEqual([",No agent,3,0,2,0,,,,,,0", `${EXPECTED_BY_AGENT[1]!.key},Alice,3,3,0,1,60,120,600,80,4.5,2`, `${EXPECTED_BY_AGENT[2]!.key},Bob,1,1,0,0,300,300,,310,3,1`, "total,total,7,4,2,1,60,300,600,80,4,3", ""]);

  // A bad zone is the server's coded refusal, shown to the supervisor.
  await page.getByLabel("Time zone", { exact: true }).fill("Mars/Olympus");
  await page.getByRole("button", { name: "Show report" }).click();
  await page.getByRole("alert").getByText("TIME_ZONE_INVALID").waitFor();
  await page.context().close();
}, 180_000);

it("is not offered to an agent", async () => {
  const page = await consolePage("al");
  // The header is drawn from the login (its role); the server refuses agents whatever the console shows.
  await page.getByRole("button", { name: "Offline messages" }).waitFor();
  expect(await page.getByRole("button", { name: "Reports" }).count()).toBe(0);
  await page.context().close();
}, 120_000);
