/** Schemas of `/v1/tenants`. @module */
import { CreateTenantBody, PatchTenantBody, TENANT_PATTERN, TenantInfo, TenantListResponse } from "@parley/protocol";
import { Type } from "@sinclair/typebox";
import { ERRORS, type RouteSchema } from "./common.js";

const TAGS = ["tenants"];
const NameParams = Type.Object({ name: Type.String({ pattern: TENANT_PATTERN }) });

export const LIST_TENANTS_SCHEMA: RouteSchema = { tags: TAGS, summary: "The tenants the caller administers", response: { 200: TenantListResponse, ...ERRORS } };
export const GET_TENANT_SCHEMA: RouteSchema = { tags: TAGS, summary: "One tenant", params: NameParams, response: { 200: TenantInfo, ...ERRORS } };
export const CREATE_TENANT_SCHEMA: RouteSchema = { tags: TAGS, summary: "The super-admin creates a tenant", body: CreateTenantBody, response: { 201: TenantInfo, ...ERRORS } };
export const PATCH_TENANT_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Changes a tenant's name, status, limits or retention",
  params: NameParams,
  body: PatchTenantBody,
  response: { 200: TenantInfo, ...ERRORS },
};
