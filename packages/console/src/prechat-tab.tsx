/** The admin page's "Pre-chat form" tab (components/PrechatFormAdmin.tsx). */
import { registerAdminTab } from "./admin-tabs.js";
import { PrechatFormAdmin } from "./components/PrechatFormAdmin.js";

registerAdminTab({ id: "prechat", label: "Pre-chat form", render: (token) => <PrechatFormAdmin token={token} /> });
