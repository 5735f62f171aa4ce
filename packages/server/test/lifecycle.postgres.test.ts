import { PgBlobStore } from "../src/blobs/postgres.js";
import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { lifecycleContract } from "./lifecycle.contract.js";

describePostgres("PostgreSQL", () => {
  lifecycleContract("PostgreSQL", {
    async create() {
      const database = await freshDatabase();
      const blobs = new PgBlobStore({ connectionString: database.url });
      return {
        open: () => Promise.resolve(new PostgresStore({ connectionString: database.url })),
        blobs,
        cleanup: async () => {
          await blobs.close();
          await database.drop();
        },
      };
    },
  });
});
