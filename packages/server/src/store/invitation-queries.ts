/**
 * A site's proactive invitation rules: one row per tenant, the rules as a
 * JSON document. Every function takes a {@link TenantDb}, so each reads and
 * writes one tenant's row only.
 * @module
 */
import type { InvitationRule } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** The invitation methods of a tenant's store (see `TenantStore`). */
export interface InvitationStore {
  /** The tenant's rules, first match first; none until an admin sets some. */
  invitationRules(): Promise<InvitationRule[]>;
  /** Replaces the tenant's rules (an empty list removes them all). */
  setInvitationRules(rules: readonly InvitationRule[], at: string): Promise<void>;
}

export function invitationQueries(db: TenantDb): InvitationStore {
  return {
    async invitationRules() {
      const row = await db.selectFrom("invitations").select("rules").executeTakeFirst();
      return row === undefined ? [] : (JSON.parse(row.rules) as InvitationRule[]);
    },

    async setInvitationRules(rules, at) {
      const text = JSON.stringify(rules);
      await db
        .insertInto("invitations", { rules: text, updated_at: at })
        .onConflict((oc) => oc.column("tenant").doUpdateSet({ rules: text, updated_at: at }))
        .execute();
    },
  };
}
