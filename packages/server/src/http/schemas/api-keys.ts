/** Schemas of `/v1/api-keys`. @module */
import { ApiKeyListResponse, CreateApiKeyBody, CreateApiKeyResponse, RevokeApiKeyResponse } from "@parley/protocol";
import { Type } from "@sinclair/typebox";
import { ERRORS, type RouteSchema } from "./common.js";

const TAGS = ["api-keys"];

export const LIST_API_KEYS_SCHEMA: RouteSchema = { tags: TAGS, summary: "The tenant's API keys, newest first", response: { 200: ApiKeyListResponse, ...ERRORS } };
export const CREATE_API_KEY_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Creates an API key (its text is in this answer only)",
  body: CreateApiKeyBody,
  response: { 201: CreateApiKeyResponse, ...ERRORS },
};
export const REVOKE_API_KEY_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Revokes an API key",
  params: Type.Object({ id: Type.String({ pattern: "^KEY_[0-9a-f-]{36}$" }) }),
  response: { 200: RevokeApiKeyResponse, ...ERRORS },
};
