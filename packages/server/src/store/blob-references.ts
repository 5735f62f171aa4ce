/**
 * Whether blobs are still referred to. Blobs are content-addressed and shared:
 * the same bytes uploaded twice, in one tenant or two, are one blob. So a
 * blob may be reclaimed only when no file row of any tenant names it — the
 * one install-level read of the media table (retention and erasure call it
 * after deleting or erasing their own tenant's rows).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** The keys among `keys` that some file row (of any tenant) still names, as its file or its thumbnail. */
export async function selectBlobKeysInUse(db: Kysely<Database>, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const list = [...keys];
  const [files, thumbnails] = await Promise.all([
    db.selectFrom("media").select("blob_key as key").where("blob_key", "in", list).distinct().execute(),
    db.selectFrom("media").select("thumb_blob_key as key").where("thumb_blob_key", "in", list).distinct().execute(),
  ]);
  const used = new Set<string>();
  for (const row of [...files, ...thumbnails]) if (row.key !== null) used.add(row.key);
  return used;
}
