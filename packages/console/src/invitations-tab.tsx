/** The proactive invitations admin as a tab of the admin page (see admin-tabs.ts): registered when the console loads. */
import { registerAdminTab } from "./admin-tabs.js";
import { InvitationsAdmin } from "./components/InvitationsAdmin.js";

registerAdminTab({ id: "invitations", label: "Invitations", render: (token) => <InvitationsAdmin token={token} /> });
