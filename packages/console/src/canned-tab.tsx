/** The tenant's shared canned responses as a tab of the admin page (see admin-tabs.ts): registered when the console loads. */
import { registerAdminTab } from "./admin-tabs.js";
import { CannedAdmin } from "./components/CannedAdmin.js";

registerAdminTab({ id: "canned", label: "Canned responses", render: (token) => <CannedAdmin token={token} scope="shared" /> });
