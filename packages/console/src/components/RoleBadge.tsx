/**
 * The role beside a name, in words: a customer may call themselves "Support
 * Team", so a name alone never tells an agent from a customer.
 */
import { roleLabel } from "../roles.js";

export function RoleBadge({ isAgent }: { isAgent: boolean }) {
  const role = isAgent ? "agent" : "customer";
  return (
    <span class={`role role-${role}`} data-role={role}>
      {roleLabel(isAgent)}
    </span>
  );
}
