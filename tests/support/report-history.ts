/**
 * A data directory holding the seeded report history (see
 * packages/server/test/report-fixtures.ts), written through the store before
 * any server starts, and people to read it: Sam (supervisor), Ann (admin)
 * and Al (agent), made as the CLI makes them, password `<name>-password`.
 * @module
 */
import { createAgent } from "../../packages/server/src/auth/agents.js";
import { SqliteStore } from "../../packages/server/src/store/sqlite.js";
import { seedReportHistory } from "../../packages/server/test/report-fixtures.js";
import { tempDataDir } from "./server.js";

/** The readers of the history, by username: their display name and role. */
export const REPORT_READERS = { sam: ["Sam", "supervisor"], ann: ["Ann", "admin"], al: ["Al", "agent"] } as const;

export async function reportHistoryDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const data = await tempDataDir();
  const store = new SqliteStore({ dataDir: data.dir });
  try {
    await store.migrate();
    await seedReportHistory(store);
    for (const [username, [nickname, role]] of Object.entries(REPORT_READERS)) {
      await createAgent(store.tenant("default"), { username, password: `${username}-password`, nickname, role });
    }
  } finally {
    await store.close();
  }
  return data;
}
