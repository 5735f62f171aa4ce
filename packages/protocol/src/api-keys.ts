/**
 * API keys: long-lived credentials an admin gives to an integration (a CRM,
 * a router, a data warehouse) in place of an agent's session token. Accepted
 * wherever the back-office routes accept a token, limited to their scopes.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/**
 * What a key may do:
 * - `transcripts:read`: list chats, read transcripts and download their files;
 * - `chats:write`: send messages to chats and end them;
 * - `config:manage`: manage the tenant's configuration (agents, keys, webhooks, audit, export and erasure).
 */
export const API_KEY_SCOPES = ["transcripts:read", "chats:write", "config:manage"] as const;

/** One scope of an API key (see {@link API_KEY_SCOPES}). */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * Scope names accepted as spellings of another: `admin` is what operators' scripts
 * pass to `parley key add --scopes`; it is stored as `config:manage`.
 */
export const API_KEY_SCOPE_ALIASES: Readonly<Record<string, ApiKeyScope>> = { admin: "config:manage" };

/** The most keys, not revoked, one tenant may hold. */
export const MAX_API_KEYS_PER_TENANT = 100;

/** Longest key name, in characters. */
export const MAX_API_KEY_NAME_LENGTH = 64;

/** Whether a string is one of the {@link API_KEY_SCOPES}. */
export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === "string" && (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** `POST /v1/api-keys`: an admin creates a key. */
export const CreateApiKeyBody = Type.Object(
  {
    /** What the key is for, e.g. `CRM export`; shown in lists. */
    name: Type.String({ minLength: 1, maxLength: MAX_API_KEY_NAME_LENGTH }),
    /** At least one scope; `admin` is accepted for `config:manage`. */
    scopes: Type.Array(Type.Union([...API_KEY_SCOPES.map((scope) => Type.Literal(scope)), Type.Literal("admin")]), {
      minItems: 1,
      maxItems: 8,
    }),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

const ApiKeyScopeSchema = Type.Union(API_KEY_SCOPES.map((scope) => Type.Literal(scope)));
const NullableTime = Type.Union([Type.String(), Type.Null()]);

/** An API key as listed: never its secret. */
export const ApiKeySummary = Type.Object({
  /** `KEY_<uuid>`: what `DELETE /v1/api-keys/:id` takes. */
  id: Type.String(),
  name: Type.String(),
  /** The key's first characters (`pk_<tenant>_` and 8 more), to recognise it. */
  prefix: Type.String(),
  scopes: Type.Array(ApiKeyScopeSchema),
  /** ISO 8601. */
  createdAt: Type.String(),
  /** Who created it: an agent's user id, `KEY_<uuid>` of the key that did, or `cli`. */
  createdBy: Type.String(),
  /** ISO 8601, updated at most once a minute; null if never used. */
  lastUsedAt: NullableTime,
  /** ISO 8601; null while the key works. */
  revokedAt: NullableTime,
});
export type ApiKeySummary = Static<typeof ApiKeySummary>;

/** Answer to `POST /v1/api-keys` (201): the key itself, shown this once only. */
export const CreateApiKeyResponse = Type.Object({
  /** The secret to give the integration, `pk_<tenant>_<random>`. Parley keeps only its hash. */
  key: Type.String(),
  apiKey: ApiKeySummary,
});
export type CreateApiKeyResponse = Static<typeof CreateApiKeyResponse>;

/** Answer to `GET /v1/api-keys`: the tenant's keys, newest first, revoked ones included. */
export const ApiKeyListResponse = Type.Object({ apiKeys: Type.Array(ApiKeySummary) });
export type ApiKeyListResponse = Static<typeof ApiKeyListResponse>;

/** Answer to `DELETE /v1/api-keys/:id`: the key, revoked. */
export const RevokeApiKeyResponse = Type.Object({ apiKey: ApiKeySummary });
export type RevokeApiKeyResponse = Static<typeof RevokeApiKeyResponse>;
