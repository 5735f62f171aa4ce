/**
 * Administration of a tenant's agents over REST (`/v1/agents`): the bodies
 * admins send and the agents they read back. A password is sent, never read.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { TENANT_PATTERN, USER_ID_PATTERN } from "./ids.js";

/** Most chats an agent may be given as their capacity. */
export const MAX_AGENT_CAPACITY = 100_000;

/** An agent's desk role. */
export const AgentRoleSchema = Type.Union([Type.Literal("agent"), Type.Literal("supervisor"), Type.Literal("admin")]);

const Username = Type.String({ pattern: "^[A-Za-z0-9._@-]{1,128}$" });
const Password = Type.String({ minLength: 8, maxLength: 1024 });
const Nickname = Type.String({ minLength: 1, maxLength: 256 });
const Capacity = Type.Integer({ minimum: 1, maximum: MAX_AGENT_CAPACITY });

/** An agent as admins list them: never their password hash. */
export const AgentSummary = Type.Object({
  /** `USER_<uuid>`: what `PATCH /v1/agents/:id` takes. */
  id: Type.String(),
  username: Type.String(),
  /** The name customers see. */
  nickname: Type.String(),
  role: AgentRoleSchema,
  /** Their own capacity; null when the install's default (`PARLEY_AGENT_CAPACITY`) applies. */
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  /** ISO 8601 time the account was disabled; null while it may log in. */
  disabledAt: Type.Union([Type.String(), Type.Null()]),
  /** `available`, `away` or `offline` (no socket on any node). */
  status: Type.String(),
  /** ISO 8601 time a socket of theirs was last seen open; null before their first. */
  lastSeenAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type AgentSummary = Static<typeof AgentSummary>;

/** Answer to `GET /v1/agents`: the tenant's agents by username. */
export const AgentListResponse = Type.Object({ agents: Type.Array(AgentSummary) });
export type AgentListResponse = Static<typeof AgentListResponse>;

/** One agent, the answer to a creation or a change. */
export const AgentResponse = Type.Object({ agent: AgentSummary });
export type AgentResponse = Static<typeof AgentResponse>;

/** `POST /v1/agents`: an admin adds an agent. */
export const CreateAgentBody = Type.Object(
  {
    username: Username,
    /** At least 8 characters; only its hash is kept. */
    password: Password,
    /** Defaults to the username. */
    nickname: Type.Optional(Nickname),
    /** Defaults to `agent`. */
    role: Type.Optional(AgentRoleSchema),
    capacity: Type.Optional(Capacity),
  },
  { additionalProperties: false },
);
export type CreateAgentBody = Static<typeof CreateAgentBody>;

/** `PATCH /v1/agents/:id`: the fields given change, the others stay. */
export const PatchAgentBody = Type.Object(
  {
    nickname: Type.Optional(Nickname),
    role: Type.Optional(AgentRoleSchema),
    /** null: back to the install's default. */
    capacity: Type.Optional(Type.Union([Capacity, Type.Null()])),
    /** true disables the account (its sockets close, its chats return to the queue); false enables it again. */
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchAgentBody = Static<typeof PatchAgentBody>;

/** `PUT /v1/agents/:id/password`: the admin sets the agent's new password (answered 204). */
export const AgentPasswordBody = Type.Object({ password: Password }, { additionalProperties: false });
export type AgentPasswordBody = Static<typeof AgentPasswordBody>;

/** `:id` of the agent routes. */
export const AgentParams = Type.Object({ id: Type.String({ pattern: USER_ID_PATTERN }) });
export type AgentParams = Static<typeof AgentParams>;

/** `?tenant=`: an admin of `default` (the install's super-admin) may manage another tenant's agents. */
export const AgentTenantQuery = Type.Object({ tenant: Type.Optional(Type.String({ pattern: TENANT_PATTERN })) }, { additionalProperties: false });
export type AgentTenantQuery = Static<typeof AgentTenantQuery>;
