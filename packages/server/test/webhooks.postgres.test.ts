import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { webhookOutboxContract } from "./webhooks.contract.js";

describePostgres("PostgreSQL webhook outbox", () => {
  webhookOutboxContract({
    async create() {
      const database = await freshDatabase();
      return { open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })), cleanup: () => database.drop() };
    },
  });
});
