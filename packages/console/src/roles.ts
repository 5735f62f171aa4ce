/** Roles in words, for badges, notices and transcripts. */

/** "Agent" or "Customer". */
export function roleLabel(isAgent: boolean): string {
  return isAgent ? "Agent" : "Customer";
}

/** A participant named with its role, for text without badges: `Support Team (customer)`. */
export function withRole(user: { nickname: string; isAgent: boolean }): string {
  return `${user.nickname} (${roleLabel(user.isAgent).toLowerCase()})`;
}
