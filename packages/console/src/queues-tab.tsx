/** The queues admin as a tab of the admin page (see admin-tabs.ts): registered when the console loads. */
import { registerAdminTab } from "./admin-tabs.js";
import { QueuesAdmin } from "./components/QueuesAdmin.js";

registerAdminTab({ id: "queues", label: "Queues", render: (token) => <QueuesAdmin token={token} /> });
