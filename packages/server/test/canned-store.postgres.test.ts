import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { cannedStoreContract } from "./canned-store.contract.js";

describePostgres("PostgreSQL", () => {
  cannedStoreContract("PostgreSQL", {
    async create() {
      const database = await freshDatabase();
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        cleanup: () => database.drop(),
      };
    },
  });
});
