/** Agent accounts: creation and password login. @module */
import { checkNickname, DEFAULT_LIMITS, normalizeNickname } from "@parley/protocol";
import { newUserId } from "../ids.js";
import { ParleyError } from "../errors.js";
import type { AgentRecord, AgentRole, TenantStore } from "../store/types.js";
import { hashPassword, verifyPassword } from "./passwords.js";

export interface NewAgentInput {
  username: string;
  password: string;
  nickname?: string;
  /** Default `agent`. */
  role?: AgentRole;
}

const USERNAME = /^[A-Za-z0-9._@-]{1,128}$/;

/**
 * Creates an agent of the store's tenant with a hashed password; the store
 * refuses a username taken in that tenant. `maxAgents` (the tenant's limit,
 * null for none) is `TENANT_AGENT_LIMIT` once reached.
 */
export async function createAgent(store: TenantStore, input: NewAgentInput, maxAgents: number | null = null): Promise<AgentRecord> {
  if (!USERNAME.test(input.username)) {
    throw new Error("the username must be 1-128 letters, digits, '.', '_', '@' or '-'");
  }
  if (input.password.length < 8) throw new Error("the password must be at least 8 characters long");
  // The display name is what customers see: the same rules as every nickname.
  const nickname = input.nickname === undefined || input.nickname.trim() === "" ? input.username : normalizeNickname(input.nickname);
  const violation = checkNickname(nickname, DEFAULT_LIMITS);
  if (violation !== null) throw new Error(`the nickname is refused: ${violation.message}`);
  // Counted before the account is made: agents added at the same moment may pass the limit by a few.
  if (maxAgents !== null && (await store.countAgents()) >= maxAgents) throw new ParleyError("TENANT_AGENT_LIMIT", undefined, { limit: maxAgents });
  const agent: AgentRecord = {
    tenant: store.name,
    id: newUserId(),
    username: input.username,
    nickname,
    passwordHash: await hashPassword(input.password),
    role: input.role ?? "agent",
    disabledAt: null,
    createdAt: new Date().toISOString(),
  };
  await store.createAgent(agent);
  return agent;
}

// Compared against when the username is unknown, so both failures take as long.
let dummyHash: Promise<string> | undefined;

/** The tenant's agent when the credentials match, undefined otherwise. */
export async function authenticateAgent(store: TenantStore, username: string, password: string): Promise<AgentRecord | undefined> {
  const agent = await store.findAgentByUsername(username);
  if (agent === undefined) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(password, await dummyHash);
    return undefined;
  }
  return (await verifyPassword(password, agent.passwordHash)) ? agent : undefined;
}
