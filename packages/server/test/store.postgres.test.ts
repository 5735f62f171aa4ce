import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { storeContract } from "./store.contract.js";

describePostgres("PostgreSQL store", () => {
  storeContract("postgres", {
    async create() {
      const database = await freshDatabase();
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        cleanup: () => database.drop(),
      };
    },
  });
});
