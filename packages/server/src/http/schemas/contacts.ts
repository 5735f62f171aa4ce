/** Schemas of `POST /v1/contacts` (a customer starts a chat) and `POST /v1/auth/login` (an agent logs in). @module */
import { LoginBody, LoginResponse, StartContactBody, StartContactResponse } from "@parley/protocol";
import { ERRORS, type RouteSchema } from "./common.js";

export const START_CONTACT_SCHEMA: RouteSchema = {
  tags: ["contacts"],
  summary: "A customer starts a chat",
  security: [{}],
  body: StartContactBody,
  response: { 201: StartContactResponse, ...ERRORS },
};

export const LOGIN_SCHEMA: RouteSchema = {
  tags: ["auth"],
  summary: "An agent logs in",
  security: [{}],
  body: LoginBody,
  response: { 200: LoginResponse, ...ERRORS },
};
