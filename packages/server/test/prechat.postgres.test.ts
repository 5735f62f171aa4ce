import { PostgresStore } from "../src/store/postgres.js";
import { prechatContract } from "./prechat.contract.js";
import { describePostgres, freshDatabase } from "./pg-support.js";

describePostgres("PostgreSQL store", () => {
  prechatContract("postgres", {
    async create() {
      const database = await freshDatabase();
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        cleanup: () => database.drop(),
      };
    },
  });
});
