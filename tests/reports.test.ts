/**
 * Reports over REST against a real server started on a data directory that
 * already holds a dated history: every number equals the history's, as JSON
 * and as CSV; supervisors, admins and keys with transcripts:read read them,
 * agents and other keys do not; bad ranges get coded errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPECTED_BY_AGENT, EXPECTED_BY_DAY, EXPECTED_BY_QUEUE, EXPECTED_TOTAL, REPORT_RANGE } from "../packages/server/test/report-fixtures.js";
import { reportHistoryDataDir } from "./support/report-history.js";
import { loginAgent, startServer, type InProcessServer } from "./support/server.js";

let server: InProcessServer;
let removeData: () => Promise<void>;
const tokens: Record<string, string> = {};
const RANGE = `from=${REPORT_RANGE.from}&to=${REPORT_RANGE.to}&tz=${encodeURIComponent(REPORT_RANGE.tz)}`;

beforeAll(async () => {
  const data = await reportHistoryDataDir();
  removeData = data.remove;
  server = await startServer({ dataDir: data.dir });
  for (const name of ["sam", "ann", "al"]) tokens[name] = await loginAgent(server.url, name, `${name}-password`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await removeData?.();
});

function get(path: string, credential: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${credential}` } });
}

async function codeOf(response: Response): Promise<{ status: number; code: unknown; details: unknown }> {
  const body = (await response.json()) as { error?: { code?: string; details?: unknown } };
  return { status: response.status, code: body.error?.code, details: body.error?.details };
}

describe("GET /v1/reports", () => {
  it("answers the seeded history's numbers by day, queue and agent", async () => {
    const byDay = await get(`/v1/reports?${RANGE}`, tokens.sam!);
    expect(byDay.status).toBe(200);
    expect(byDay.headers.get("cache-control")).toBe("no-store");
    expect(await byDay.json()).toEqual({ from: REPORT_RANGE.from, to: REPORT_RANGE.to, timeZone: REPORT_RANGE.tz, groupBy: "day", rows: EXPECTED_BY_DAY, total: EXPECTED_TOTAL });
    const byQueue = (await (await get(`/v1/reports?${RANGE}&groupBy=queue`, tokens.ann!)).json()) as { rows: unknown };
    expect(byQueue.rows).toEqual(EXPECTED_BY_QUEUE);
    const byAgent = (await (await get(`/v1/reports?${RANGE}&groupBy=agent`, tokens.sam!)).json()) as { rows: unknown; total: unknown };
    expect(byAgent.rows).toEqual(EXPECTED_BY_AGENT);
    expect(byAgent.total).toEqual(EXPECTED_TOTAL);
  });

  it("gives the same rows as CSV with a header row, an attachment", async () => {
    const response = await get(`/v1/reports.csv?${RANGE}&groupBy=queue`, tokens.sam!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain('filename="parley-report-queue-2026-11-02-2026-11-03.csv"');
    expect(await response.text()).toBe(
      [
        "key,label,started,answered,missed,transferred,wait_median_seconds,wait_p90_seconds,handle_median_seconds,first_response_median_seconds,satisfaction_average,satisfaction_count",
        "default,default,5,3,1,1,60,120,600,80,4,3",
        "sales,sales,2,1,1,0,300,300,,310,,0",
        "total,total,7,4,2,1,60,300,600,80,4,3",
        "",
      ].join("\r\n"),
    );
  });

  it("is for supervisors, admins and keys with transcripts:read only", async () => {
    expect(await codeOf(await get(`/v1/reports?${RANGE}`, tokens.al!))).toMatchObject({ status: 403, code: "ROLE_FORBIDDEN" });
    expect(await codeOf(await get(`/v1/reports.csv?${RANGE}`, tokens.al!))).toMatchObject({ status: 403, code: "ROLE_FORBIDDEN" });
    const addKey = async (scope: string): Promise<string> => {
      const response = await fetch(`${server.url}/v1/api-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.ann!}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `reports ${scope}`, scopes: [scope] }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { key: string }).key;
    };
    const reader = await get(`/v1/reports?${RANGE}&groupBy=agent`, await addKey("transcripts:read"));
    expect(reader.status).toBe(200);
    expect(((await reader.json()) as { rows: unknown }).rows).toEqual(EXPECTED_BY_AGENT);
    expect(await codeOf(await get(`/v1/reports?${RANGE}`, await addKey("chats:write")))).toMatchObject({ status: 403, code: "API_KEY_SCOPE" });
    expect((await fetch(`${server.url}/v1/reports?${RANGE}`)).status).toBe(401);
  });

  it("refuses a bad range, zone or grouping with a coded error", async () => {
    const refusal = async (query: string) => codeOf(await get(`/v1/reports?${query}`, tokens.sam!));
    expect(await refusal("from=2026-11-04&to=2026-11-03")).toEqual({ status: 400, code: "REPORT_RANGE_INVALID", details: { reason: "order" } });
    expect(await refusal("from=2026-11-31&to=2026-12-01")).toEqual({ status: 400, code: "REPORT_RANGE_INVALID", details: { reason: "format" } });
    expect(await refusal("from=2026-01-01&to=2026-12-31")).toEqual({ status: 400, code: "REPORT_RANGE_INVALID", details: { reason: "length", maxDays: 92 } });
    expect(await refusal(`from=2026-11-02&to=2026-11-03&tz=Nowhere%2FLand`)).toEqual({ status: 400, code: "TIME_ZONE_INVALID", details: { tz: "Nowhere/Land" } });
    expect(await refusal("from=2026-11-02&to=2026-11-03&groupBy=week")).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(await refusal("to=2026-11-03")).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(await codeOf(await get("/v1/reports.csv?from=2026-11-04&to=2026-11-03", tokens.sam!))).toMatchObject({ status: 400, code: "REPORT_RANGE_INVALID" });
  });
});
