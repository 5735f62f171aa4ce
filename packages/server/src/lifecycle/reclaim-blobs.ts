/**
 * Reclaims the bytes of files whose rows were deleted or erased: a blob goes
 * once no file row of any tenant names it (the same bytes may have been sent
 * in another chat, or by another tenant, and are stored once).
 * @module
 */
import type { BlobStore } from "../blobs/types.js";
import type { InstallLifecycleStore } from "../store/lifecycle-store.js";

/** Deletes the blobs among `keys` nothing refers to; resolves with how many were deleted. */
export async function reclaimBlobs(store: InstallLifecycleStore, blobs: BlobStore, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const inUse = await store.blobKeysInUse(keys);
  let deleted = 0;
  for (const key of keys) {
    if (inUse.has(key)) continue;
    if (await blobs.delete(key)) deleted += 1;
  }
  return deleted;
}
