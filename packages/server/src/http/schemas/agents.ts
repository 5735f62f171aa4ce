/** Schemas of `/v1/agents`: a tenant's admins list, add and change its agents. @module */
import { AgentListResponse, AgentParams, AgentPasswordBody, AgentResponse, AgentTenantQuery, CreateAgentBody, PatchAgentBody } from "@parley/protocol";
import { ERRORS, noBody, type RouteSchema } from "./common.js";

const TAGS = ["agents"];

export const LIST_AGENTS_SCHEMA: RouteSchema = { tags: TAGS, summary: "The tenant's agents", querystring: AgentTenantQuery, response: { 200: AgentListResponse, ...ERRORS } };

export const CREATE_AGENT_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Adds an agent",
  querystring: AgentTenantQuery,
  body: CreateAgentBody,
  response: { 201: AgentResponse, ...ERRORS },
};

export const PATCH_AGENT_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Changes an agent's name, role, capacity or whether they may log in",
  querystring: AgentTenantQuery,
  params: AgentParams,
  body: PatchAgentBody,
  response: { 200: AgentResponse, ...ERRORS },
};

export const AGENT_PASSWORD_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Sets an agent's new password",
  querystring: AgentTenantQuery,
  params: AgentParams,
  body: AgentPasswordBody,
  response: { 204: noBody("The password is set."), ...ERRORS },
};
