import { PostgresStore } from "../src/store/postgres.js";
import { visitorContextContract } from "./visitor-context.contract.js";
import { describePostgres, freshDatabase } from "./pg-support.js";

describePostgres("PostgreSQL store", () => {
  visitorContextContract("postgres", {
    async create() {
      const database = await freshDatabase();
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        cleanup: () => database.drop(),
      };
    },
  });
});
