/**
 * The super-administrator's view of the install's tenants (companies): each
 * with its status and limits (the server reports no usage yet); adding one,
 * disabling and enabling, editing limits and retention. Only an administrator
 * of `default` sees it, and the server refuses everyone else whatever the
 * console shows.
 */
import { useEffect, useState } from "preact/hooks";
import type { TenantInfo } from "@parley/protocol";
import { createTenant, describeFailure, listTenants, updateTenant } from "../api.js";
import type { AgentLogin } from "../session.js";
import { DEFAULT_TENANT, tenantOfToken } from "../tenant.js";
import { formatSize } from "../text.js";
import { TenantForm, type TenantFormValue } from "./TenantForm.js";
import "../tenants.css";

/**
 * Whether the agent administers the install's tenants; undefined until known.
 * The console asks the server (`GET /v1/tenants` answers only a
 * super-administrator), so a role changed since the login counts; agents of
 * other tenants, and agents whose login names a role other than admin, are
 * not asked.
 */
export function useIsSuperAdmin(login: AgentLogin): boolean | undefined {
  const [isSuperAdmin, setSuperAdmin] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    // A login kept from before tenants has no role: the server is asked.
    const role: string | undefined = login.agent.role;
    if (tenantOfToken(login.token) !== DEFAULT_TENANT || (role !== undefined && role !== "admin")) {
      setSuperAdmin(false);
      return;
    }
    let isCurrent = true;
    listTenants(login.token).then(
      () => isCurrent && setSuperAdmin(true),
      () => isCurrent && setSuperAdmin(false), // refused or unreachable: no view
    );
    return () => {
      isCurrent = false;
    };
  }, [login.token]);
  return isSuperAdmin;
}

/** A limit in words: "at most 10", or "no limit". */
function limit(value: number | null, format: (n: number) => string = String): string {
  return value === null ? "no limit" : `at most ${format(value)}`;
}

export function TenantsView({ token, onClose }: { token: string; onClose: () => void }) {
  const [tenants, setTenants] = useState<TenantInfo[] | undefined>(undefined);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");

  const reload = async () => {
    try {
      setTenants(await listTenants(token));
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  useEffect(() => {
    void reload();
  }, [token]);

  const add = async ({ name, displayName, limits, retentionDays }: TenantFormValue) => {
    // Only what was set: a new tenant starts without limits.
    const set = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== null));
    await createTenant(token, {
      name,
      displayName,
      ...(Object.keys(set).length > 0 ? { limits: set } : {}),
      ...(retentionDays !== null ? { retentionDays } : {}),
    });
    setStatus(`Company ${name} added.`);
    await reload();
  };

  const save = async ({ name, displayName, limits, retentionDays }: TenantFormValue) => {
    await updateTenant(token, name, { displayName, limits, retentionDays });
    setEditing(undefined);
    setStatus(`Company ${name} saved.`);
    await reload();
  };

  const setActive = async (tenant: TenantInfo, isActive: boolean) => {
    setError("");
    try {
      await updateTenant(token, tenant.name, { status: isActive ? "active" : "disabled" });
      setStatus(`Company ${tenant.name} ${isActive ? "enabled" : "disabled"}.`);
      await reload();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };

  const edited = tenants?.find((t) => t.name === editing);

  return (
    <section class="tenants" aria-labelledby="tenants-heading">
      <div class="tenants-head">
        <h2 id="tenants-heading">Companies</h2>
        <button type="button" class="secondary" onClick={onClose}>
          Back to chats
        </button>
      </div>
      <p class="sr-only" role="status">
        {status}
      </p>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tenants === undefined ? (
        error === "" && <p class="muted">Loading…</p>
      ) : (
        <div class="table-scroll">
          <table class="tenant-table">
            <caption class="sr-only">Companies served by this server</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Display name</th>
                <th scope="col">Status</th>
                <th scope="col">Agents</th>
                <th scope="col">Active chats</th>
                <th scope="col">Stored files</th>
                <th scope="col">Chats kept</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <tr key={tenant.name} data-tenant={tenant.name}>
                  <th scope="row">{tenant.name}</th>
                  <td>{tenant.displayName}</td>
                  <td>
                    <span class={`tenant-status tenant-${tenant.status}`}>{tenant.status === "active" ? "Active" : "Disabled"}</span>
                  </td>
                  <td>{limit(tenant.limits.maxAgents)}</td>
                  <td>{limit(tenant.limits.maxActiveChats)}</td>
                  <td>{limit(tenant.limits.maxStorageBytes, formatSize)}</td>
                  <td>{tenant.retentionDays === null ? "forever" : `${tenant.retentionDays} days`}</td>
                  <td class="tenant-actions">
                    <button type="button" class="secondary" aria-label={`Edit ${tenant.name}`} onClick={() => setEditing(tenant.name)}>
                      Edit
                    </button>
                    {/* `default` holds the super-administrators themselves: disabling it would lock everyone out. */}
                    {tenant.name !== DEFAULT_TENANT &&
                      (tenant.status === "active" ? (
                        <button type="button" class="danger" aria-label={`Disable ${tenant.name}`} onClick={() => void setActive(tenant, false)}>
                          Disable
                        </button>
                      ) : (
                        <button type="button" aria-label={`Enable ${tenant.name}`} onClick={() => void setActive(tenant, true)}>
                          Enable
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {edited !== undefined && (
        <section aria-labelledby="tenant-edit-heading">
          <h3 id="tenant-edit-heading">Edit {edited.name}</h3>
          <TenantForm key={edited.name} tenant={edited} idPrefix="tenant-edit" submitLabel="Save" onSubmit={save} onCancel={() => setEditing(undefined)} />
        </section>
      )}
      <section aria-labelledby="tenant-add-heading">
        <h3 id="tenant-add-heading">Add a company</h3>
        <TenantForm idPrefix="tenant-add" submitLabel="Add company" onSubmit={add} />
      </section>
    </section>
  );
}
