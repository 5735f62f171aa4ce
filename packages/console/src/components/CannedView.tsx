/**
 * "Canned responses", reachable by every agent: their own ones to manage and,
 * for supervisors and admins, the tenant's shared ones too (admins also find
 * those on the admin page).
 */
import { CannedAdmin } from "./CannedAdmin.js";

export function CannedView({ token, maySupervise, onClose }: { token: string; maySupervise: boolean; onClose: () => void }) {
  return (
    <section class="canned-view" aria-labelledby="canned-view-heading">
      <header class="conversation-head">
        <h2 id="canned-view-heading">Canned responses</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <CannedAdmin token={token} scope="personal" />
      {maySupervise && <CannedAdmin token={token} scope="shared" />}
    </section>
  );
}
