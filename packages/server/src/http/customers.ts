/**
 * A customer's data, for the tenant's admins: `GET /v1/customers/export`
 * streams everything stored about one customer as a ZIP, and
 * `POST /v1/customers/erase` erases it (see docs/privacy.md). The customer is
 * named by exactly one of `email`, `customerId` or `chatId`, and only the
 * caller's tenant is searched. Each is recorded once in the audit log.
 * @module
 */
import { CHAT_ID_PATTERN, USER_ID_PATTERN } from "@parley/protocol";
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import type { BlobStore } from "../blobs/types.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError } from "../errors.js";
import type { CustomerDataLimits } from "../lifecycle/customer-data.js";
import { eraseCustomer } from "../lifecycle/customer-erasure.js";
import { planExport, writeExport } from "../lifecycle/customer-export.js";
import { ZipWriter } from "../lifecycle/zip-writer.js";
import type { CustomerSelector } from "../store/lifecycle-store.js";
import type { Store } from "../store/types.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERASE_SCHEMA, EXPORT_SCHEMA } from "./schemas/customers.js";

export interface CustomerRoutesDeps {
  store: Store;
  blobs: BlobStore;
  chat: ChatService;
  admin: AdminResolver;
  customerData: CustomerDataLimits;
}

const Selector = Type.Object(
  {
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    customerId: Type.Optional(Type.String({ pattern: USER_ID_PATTERN })),
    chatId: Type.Optional(Type.String({ pattern: CHAT_ID_PATTERN })),
  },
  { additionalProperties: false },
);
type Selector = Static<typeof Selector>;

/** Exactly one of the three, or `VALIDATION_FAILED`. */
function selectorOf(input: Selector): CustomerSelector {
  const given = (["email", "customerId", "chatId"] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1) {
    throw new ParleyError("VALIDATION_FAILED", "Name the customer by exactly one of email, customerId or chatId.", { path: "/", problem: "one of email, customerId, chatId" });
  }
  if (input.email !== undefined) return { email: input.email.trim() };
  if (input.customerId !== undefined) return { customerId: input.customerId };
  return { chatId: input.chatId as string };
}

/** How the audit log names the selector: its kind, never the e-mail itself. */
function selectorKind(selector: CustomerSelector): string {
  return "email" in selector ? "email" : "customerId" in selector ? "customerId" : "chatId";
}

export function customerRoutes(app: FastifyInstance, deps: CustomerRoutesDeps): void {
  const admins = { auth: { role: "agent", apiKeyScope: "config:manage" } as const };

  app.get<{ Querystring: Selector }>("/v1/customers/export", { schema: { ...EXPORT_SCHEMA, querystring: Selector }, config: admins }, async (request, reply) => {
    const caller = await deps.admin(request);
    const selector = selectorOf(request.query);
    const tenant = deps.store.tenant(caller.tenant);
    // Everything that may refuse the export is decided here, before the first byte.
    const plan = await planExport(tenant, selector, deps.customerData);
    const first = plan.chats[0]?.contact;
    await recordAudit(tenant, caller, "customer.exported", first === undefined ? undefined : { type: "customer", id: first.customerUserId }, {
      by: selectorKind(selector),
      chats: plan.chats.map(({ contact }) => contact.id),
      files: plan.chats.reduce((n, chat) => n + chat.files.length, 0),
      bytes: plan.bytes,
    });
    const exportedAt = new Date().toISOString();
    const zip = new ZipWriter();
    writeExport(plan, { store: tenant, blobs: deps.blobs }, zip, { tenant: caller.tenant, selector, exportedAt }).catch((error: unknown) => {
      // Headers are gone by now: the download can only be cut short, so that no truncated archive looks whole.
      request.log.error({ err: error }, "a customer export failed midway");
      zip.abort(error instanceof Error ? error : new Error(String(error)));
    });
    return reply
      .header("content-type", "application/zip")
      .header("content-disposition", `attachment; filename="customer-export-${exportedAt.slice(0, 10)}.zip"`)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .send(zip.output);
  });

  app.post<{ Body: Selector }>("/v1/customers/erase", { schema: { ...ERASE_SCHEMA, body: Selector }, config: admins }, async (request, reply) => {
    const caller = await deps.admin(request);
    const selector = selectorOf(request.body);
    const tenant = deps.store.tenant(caller.tenant);
    const result = await eraseCustomer(
      {
        store: tenant,
        install: deps.store,
        blobs: deps.blobs,
        limits: deps.customerData,
        endChat: async (chatId) => {
          await deps.chat.endByServer(caller.tenant, chatId);
        },
      },
      selector,
    );
    if (result.chatIds.length > 0 || result.offlineMessages > 0) {
      await recordAudit(tenant, caller, "customer.erased", { type: "customer", id: result.customerIds[0] ?? "" }, {
        by: selectorKind(selector),
        customers: result.customerIds,
        chats: result.chatIds,
        events: result.events,
        files: result.files,
        blobs: result.blobs,
        offlineMessages: result.offlineMessages,
      });
    }
    return reply.header("cache-control", "no-store").send({
      chats: result.chatIds.length,
      chatIds: result.chatIds,
      events: result.events,
      files: result.files,
      blobs: result.blobs,
      offlineMessages: result.offlineMessages,
    });
  });
}
