/**
 * The admin page: the tenant's agents and API keys, and the tabs other parts
 * of the console register (queues, webhooks; see admin-tabs.ts). Only admins
 * reach it (`useIsAdmin`); the server refuses everyone else whatever the
 * console shows. Tabs follow the WAI-ARIA pattern: arrow keys, Home and End
 * move between them.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { listAgents } from "../admin-api.js";
import { orderTabs, registeredAdminTabs, type AdminTab } from "../admin-tabs.js";
import type { AgentLogin } from "../session.js";
import { AgentsAdmin } from "./AgentsAdmin.js";
import { ApiKeysAdmin } from "./ApiKeysAdmin.js";
import "../admin.css";

/**
 * Whether the agent administers their tenant; undefined until known. The
 * server is asked (`GET /v1/agents` answers admins only), so a role changed
 * since the login counts; a login that names another role is not asked.
 */
export function useIsAdmin(login: AgentLogin): boolean | undefined {
  const [isAdmin, setAdmin] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    const role: string | undefined = login.agent.role;
    if (role !== undefined && role !== "admin") {
      setAdmin(false);
      return;
    }
    let isCurrent = true;
    listAgents(login.token).then(
      () => isCurrent && setAdmin(true),
      () => isCurrent && setAdmin(false), // refused or unreachable: no page
    );
    return () => {
      isCurrent = false;
    };
  }, [login.token]);
  return isAdmin;
}

const OWN_TABS: AdminTab[] = [
  { id: "agents", label: "Agents", render: (token) => <AgentsAdmin token={token} /> },
  { id: "api-keys", label: "API keys", render: (token) => <ApiKeysAdmin token={token} /> },
];

export function AdminView({ token, onClose, extraTabs = [] }: { token: string; onClose: () => void; extraTabs?: readonly AdminTab[] }) {
  const tabs = orderTabs([...OWN_TABS, ...registeredAdminTabs(), ...extraTabs].filter((tab, index, all) => all.findIndex((other) => other.id === tab.id) === index));
  const [selected, setSelected] = useState(tabs[0]!.id);
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0]!;

  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const tab = tabs[target]!;
    setSelected(tab.id);
    buttons.current[tab.id]?.focus();
  };

  return (
    <section class="admin" aria-labelledby="admin-heading">
      <div class="admin-head">
        <h2 id="admin-heading">Administration</h2>
        <button type="button" class="secondary" onClick={onClose}>
          Back to chats
        </button>
      </div>
      <div role="tablist" aria-label="Administration" class="admin-tabs">
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            ref={(element) => {
              buttons.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={`admin-tab-${tab.id}`}
            aria-selected={tab.id === current.id}
            aria-controls={`admin-panel-${tab.id}`}
            tabIndex={tab.id === current.id ? 0 : -1}
            onClick={() => setSelected(tab.id)}
            onKeyDown={(event) => move(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${current.id}`} aria-labelledby={`admin-tab-${current.id}`} tabIndex={0} class="admin-panel">
        {current.render(token)}
      </div>
    </section>
  );
}
