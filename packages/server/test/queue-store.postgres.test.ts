import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { queueStoreContract } from "./queue-store.contract.js";

describePostgres("PostgreSQL", () => {
  queueStoreContract("PostgreSQL", {
    async create() {
      const database = await freshDatabase();
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        cleanup: () => database.drop(),
      };
    },
  });
});
