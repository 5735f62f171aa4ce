/** The webhooks admin as a tab of the admin page (see admin-tabs.ts): registered when the console loads. */
import { registerAdminTab } from "./admin-tabs.js";
import { WebhooksAdmin } from "./components/WebhooksAdmin.js";

registerAdminTab({ id: "webhooks", label: "Webhooks", render: (token) => <WebhooksAdmin token={token} /> });
