/** Readiness checks shared by the SQL stores. @module */
import { Migrator, type Kysely, type Migration } from "kysely";

/** Names of the migrations this build knows that the database has not applied, in order. */
export async function pendingMigrations<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  const infos = await migrator.getMigrations();
  return infos.filter((info) => info.executedAt === undefined).map((info) => info.name);
}
