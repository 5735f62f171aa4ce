/**
 * The tenant choke point: no query of the server reaches a tenant's rows
 * without its tenant. The checker (support/tenant-scope.ts) reads the source
 * with the TypeScript compiler; it must find nothing in the server, and must
 * find each kind of mistake planted in a probe file.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { checkTenantScope, INSTALL_LEVEL, type Violation } from "./support/tenant-scope.js";

const root = fileURLToPath(new URL("../packages/server/src", import.meta.url));

/** Every way to miss the tenant, each on its own line, in a file that is not install-level. */
const PROBE = `
import { sql, type Kysely } from "kysely";
import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "./schema.js";
import { TenantDb } from "./tenant-db.js";

export async function leaks(db: Kysely<Database>, lite: BetterSqlite3.Database, tenant: string): Promise<void> {
  const scoped = new TenantDb(db, tenant);
  const renamed: Kysely<Database> = db;
  await renamed.selectFrom("contacts").selectAll().execute();
  await db.deleteFrom("events").execute();
  await scoped.selectFrom("message_media").innerJoin("media", "media.id", "message_media.media_id").selectAll().execute();
  await scoped.selectFrom("contacts").where((eb) => eb.exists(eb.selectFrom("participants").select("participants.user_id").whereRef("participants.chat_id", "=", "contacts.id"))).execute();
  lite.prepare("SELECT * FROM events WHERE chat_id = ?");
  await sql\`update contacts set status = 'ended' where id = \${tenant}\`.execute(db);
  await db.selectFrom("meta").selectAll().execute();
}

export async function scopedWell(db: Kysely<Database>, lite: BetterSqlite3.Database, tenant: string): Promise<void> {
  const t = new TenantDb(db, tenant);
  await t.selectFrom("contacts").selectAll().execute();
  await t.transaction((trx) => trx.updateTable("contacts").set({ status: "ended" }).execute());
  await t.selectFrom("message_media").innerJoin("media", (j) => j.onRef("media.id", "=", "message_media.media_id").onRef("media.tenant", "=", "message_media.tenant")).selectAll().execute();
  lite.prepare("SELECT * FROM events WHERE tenant = ? AND chat_id = ?");
  await t.run(sql\`update contacts set status = 'ended' where tenant = \${tenant}\`);
}
`;

const PROBE_FILE = "store/tenant-scope-probe.ts";

describe("tenant scope", () => {
  // One program for both cases (type-checking the server takes seconds): the server's files and the probe, in memory.
  let violations: Violation[];
  beforeAll(() => {
    violations = checkTenantScope(root, { [join(root, PROBE_FILE)]: PROBE });
  }, 120_000);

  it("finds every store query of the server scoped to a tenant, outside the install-level files", () => {
    for (const file of Object.keys(INSTALL_LEVEL)) expect(existsSync(join(root, file)), `${file} is on the allow-list but gone`).toBe(true);
    const inServer = violations.filter((v) => v.file !== PROBE_FILE);
    expect(inServer.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.text}`)).toEqual([]);
  });

  it("names the file and line of each way a query can miss its tenant", () => {
    const found = violations.filter((v) => v.file === PROBE_FILE);
    const lineOf = (text: string) => PROBE.split("\n").findIndex((line) => line.includes(text)) + 1;
    expect(found.map((v) => [v.line, v.rule])).toEqual([
      [lineOf("renamed.selectFrom"), "raw builder"],
      [lineOf("db.deleteFrom"), "raw builder"],
      [lineOf(`innerJoin("media", "media.id"`), "join without tenant"],
      [lineOf("eb.selectFrom"), "raw builder"],
      [lineOf(`lite.prepare("SELECT * FROM events WHERE chat_id`), "raw SQL without tenant"],
      [lineOf("await sql`update contacts set status = 'ended' where id"), "raw SQL without tenant"],
      [lineOf(`db.selectFrom("meta")`), "raw builder"],
    ]);
  });
});
