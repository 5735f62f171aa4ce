/**
 * What an admin does to a tenant's agents — add, change role, name or
 * capacity, disable or enable, set a new password — in one place for REST
 * and the command line. Each change is recorded once in the tenant's audit
 * log (never a password), and a tenant always keeps one enabled admin
 * (`LAST_ADMIN`). What follows a change on a running server (sockets closed
 * on every node, chats back to the queue) is the `changed` hook's.
 * @module
 */
import type { AgentStatus, AgentSummary } from "@parley/protocol";
import { recordAudit, type AuditContext } from "../audit/record.js";
import { ParleyError } from "../errors.js";
import type { AgentAccount, AgentChange } from "../store/agent-admin-queries.js";
import { DuplicateUsernameError, type AgentRole, type Store } from "../store/types.js";
import { createAgent } from "./agents.js";
import { hashPassword } from "./passwords.js";

/** A change an admin asks for; the fields left out stay. */
export interface AgentPatch {
  nickname?: string;
  role?: AgentRole;
  capacity?: number | null;
  disabled?: boolean;
}

export interface AgentAdminDeps {
  store: Pick<Store, "tenant" | "getTenant">;
  /** After an account changed (`isDisabled`: it was just disabled). */
  changed?: (tenant: string, agentId: string, isDisabled: boolean) => Promise<void>;
  /** An agent's live status (the desk's presence); without it, the stored one or `offline`. */
  statusOf?: (tenant: string, agentId: string) => AgentStatus;
}

export class AgentAdmin {
  constructor(private readonly deps: AgentAdminDeps) {}

  /** The tenant's agents by username. */
  async list(tenant: string): Promise<AgentSummary[]> {
    return (await this.deps.store.tenant(tenant).listAgentAccounts()).map((account) => this.summaryOf(tenant, account));
  }

  /** An agent by username (the command line names agents so); `AGENT_NOT_FOUND` otherwise. */
  async byUsername(tenant: string, username: string): Promise<AgentSummary> {
    const record = await this.deps.store.tenant(tenant).findAgentByUsername(username);
    if (record === undefined) throw new ParleyError("AGENT_NOT_FOUND", `No agent named "${username}" in tenant ${tenant}.`);
    return this.find(tenant, record.id);
  }

  /** Adds an agent (the tenant's agent limit applies). */
  async create(
    tenant: string,
    input: { username: string; password: string; nickname?: string; role?: AgentRole; capacity?: number },
    context: AuditContext,
  ): Promise<AgentSummary> {
    const record = await this.deps.store.getTenant(tenant);
    if (record === undefined) throw new ParleyError("TENANT_NOT_FOUND", undefined, { tenant });
    const store = this.deps.store.tenant(tenant);
    let agent;
    try {
      const { capacity: _capacity, ...account } = input;
      agent = await createAgent(store, account, record.limits.maxAgents);
    } catch (error) {
      if (error instanceof DuplicateUsernameError) throw new ParleyError("AGENT_USERNAME_TAKEN");
      if (error instanceof ParleyError) throw error;
      // createAgent's own checks (username, password, nickname) say what is wrong in plain words.
      if (error instanceof Error) throw new ParleyError("VALIDATION_FAILED", error.message);
      throw error;
    }
    if (input.capacity !== undefined) await store.setAgentCapacity(agent.id, input.capacity);
    const detail = { username: agent.username, role: agent.role, ...(input.capacity === undefined ? {} : { capacity: input.capacity }) };
    await recordAudit(store, context, "agent.created", { type: "agent", id: agent.id }, detail);
    return this.find(tenant, agent.id);
  }

  /** Changes an agent's role, name, capacity or state; `LAST_ADMIN` when no enabled admin would be left. */
  async change(tenant: string, agentId: string, patch: AgentPatch, context: AuditContext): Promise<AgentSummary> {
    const before = await this.account(tenant, agentId);
    const change: AgentChange = {};
    if (patch.role !== undefined && patch.role !== before.role) change.role = patch.role;
    if (patch.nickname !== undefined && patch.nickname !== before.nickname) change.nickname = patch.nickname;
    if (patch.capacity !== undefined && patch.capacity !== before.capacity) change.capacity = patch.capacity;
    const isDisabling = patch.disabled === true && before.disabledAt === null;
    if (isDisabling) change.disabledAt = new Date().toISOString();
    if (patch.disabled === false && before.disabledAt !== null) change.disabledAt = null;
    // Nothing to change changes nothing, and records nothing.
    if (Object.keys(change).length === 0) return this.summaryOf(tenant, before);
    await this.apply(tenant, agentId, change);
    const store = this.deps.store.tenant(tenant);
    const target = { type: "agent", id: agentId };
    const base = { username: before.username };
    if (change.disabledAt !== undefined) await recordAudit(store, context, isDisabling ? "agent.disabled" : "agent.enabled", target, base);
    if (change.role !== undefined) await recordAudit(store, context, "agent.role_changed", target, { ...base, from: before.role, to: change.role });
    const fields = (["nickname", "capacity"] as const).filter((field) => change[field] !== undefined);
    if (fields.length > 0) await recordAudit(store, context, "agent.updated", target, { ...base, fields, ...(change.capacity === undefined ? {} : { capacity: change.capacity }) });
    await this.deps.changed?.(tenant, agentId, isDisabling);
    return this.find(tenant, agentId);
  }

  /** Sets the agent's new password; their sessions stay (disable the agent to end them). */
  async setPassword(tenant: string, agentId: string, password: string, context: AuditContext): Promise<void> {
    if (password.length < 8) throw new ParleyError("VALIDATION_FAILED", "The password must be at least 8 characters long.");
    const before = await this.account(tenant, agentId);
    await this.apply(tenant, agentId, { passwordHash: await hashPassword(password) });
    await recordAudit(this.deps.store.tenant(tenant), context, "agent.password_set", { type: "agent", id: agentId }, { username: before.username });
  }

  private async apply(tenant: string, agentId: string, change: AgentChange): Promise<void> {
    const outcome = await this.deps.store.tenant(tenant).changeAgent(agentId, change);
    if (outcome === "notFound") throw new ParleyError("AGENT_NOT_FOUND");
    if (outcome === "lastAdmin") throw new ParleyError("LAST_ADMIN");
  }

  private async account(tenant: string, agentId: string): Promise<AgentAccount> {
    const account = await this.deps.store.tenant(tenant).findAgentAccount(agentId);
    if (account === undefined) throw new ParleyError("AGENT_NOT_FOUND");
    return account;
  }

  private async find(tenant: string, agentId: string): Promise<AgentSummary> {
    return this.summaryOf(tenant, await this.account(tenant, agentId));
  }

  private summaryOf(tenant: string, account: AgentAccount): AgentSummary {
    const { id, username, nickname, role, capacity, disabledAt, createdAt, lastSeenAt } = account;
    const status = disabledAt !== null ? "offline" : (this.deps.statusOf?.(tenant, id) ?? "offline");
    return { id, username, nickname, role, capacity, disabledAt, status, lastSeenAt, createdAt };
  }
}
