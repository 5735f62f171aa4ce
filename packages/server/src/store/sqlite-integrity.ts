/**
 * Telling a damaged SQLite file from a sound one: a check at start, before
 * anything is served from it, and the error codes by which a query reveals
 * damage the check did not see.
 * @module
 */
import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { StoreCorruptError } from "./types.js";

/**
 * How many problems `quick_check` lists before it stops: one is enough to
 * refuse the file, and a badly damaged file would otherwise list thousands.
 */
const MAX_REPORTED_PROBLEMS = 3;

/** Whether an error of better-sqlite3 means the file is damaged or not a database (any extended code of those). */
export function isCorruptionError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/** The damage as a {@link StoreCorruptError}; any other error unchanged. */
export function asCorruptError(path: string, error: unknown): unknown {
  return isCorruptionError(error) ? new StoreCorruptError(path, error.message, { cause: error }) : error;
}

/**
 * Checks the file with `PRAGMA quick_check` on a connection of its own (so
 * the store's page cache stays as cold as a fresh start's), and throws
 * {@link StoreCorruptError} when it is damaged or not a database. A missing
 * file is a new install and passes.
 *
 * quick_check reads every page of every table and index and checks their
 * structure, but not that each index matches its table: that would be
 * `integrity_check`, several times slower. It takes about 70 ms on a
 * database of 100,000 events (70 MB) whose pages the OS has cached. Damage
 * it cannot see is caught when a query meets it (see {@link isCorruptionError}).
 */
export function checkIntegrity(path: string): void {
  if (!existsSync(path)) return;
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(path, { fileMustExist: true });
    const rows = sqlite.pragma(`quick_check(${MAX_REPORTED_PROBLEMS})`, { simple: false }) as { quick_check: string }[];
    // A report starts with a line naming the schema ("*** in database main ***"), then one line per problem.
    const problems = rows
      .flatMap((row) => row.quick_check.split("\n"))
      .filter((line) => line !== "ok" && !line.startsWith("***"));
    if (problems.length > 0) throw new StoreCorruptError(path, problems.join("; "));
  } catch (error) {
    throw asCorruptError(path, error);
  } finally {
    sqlite?.close();
  }
}
