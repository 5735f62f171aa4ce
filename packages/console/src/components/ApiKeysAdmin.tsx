/**
 * The admin page's API keys tab: the tenant's keys (prefix, scopes, last
 * use), a form to create one — its text shown once, with a copy button and a
 * warning, never kept by the console — and revocation after a confirmation.
 */
import { useEffect, useState } from "preact/hooks";
import type { ApiKeySummary } from "@parley/protocol";
import { createApiKey, listApiKeys, revokeApiKey } from "../admin-api.js";
import { describeFailure } from "../api.js";
import { AddApiKeyForm } from "./AddApiKeyForm.js";
import { NewApiKey } from "./NewApiKey.js";

const SCOPE_NAMES: Record<string, string> = { "transcripts:read": "Read transcripts", "chats:write": "Send and end chats", "config:manage": "Manage configuration" };

function when(iso: string | null): string {
  return iso === null ? "never" : new Date(iso).toLocaleString();
}

export function ApiKeysAdmin({ token }: { token: string }) {
  const [keys, setKeys] = useState<ApiKeySummary[] | undefined>(undefined);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  /** The key just made: its text, shown until the admin dismisses it. */
  const [made, setMade] = useState<{ name: string; key: string } | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);

  const reload = async () => {
    try {
      setKeys(await listApiKeys(token));
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  useEffect(() => {
    void reload();
  }, [token]);

  const create = async (name: string, scopes: ApiKeySummary["scopes"]): Promise<boolean> => {
    setError("");
    try {
      const answer = await createApiKey(token, { name, scopes });
      setMade({ name: answer.apiKey.name, key: answer.key });
      setStatus(`API key ${answer.apiKey.name} created.`);
      await reload();
      return true;
    } catch (failure) {
      setError(describeFailure(failure));
      return false;
    }
  };

  const revoke = async (key: ApiKeySummary) => {
    setError("");
    setConfirming(undefined);
    try {
      await revokeApiKey(token, key.id);
      setStatus(`API key ${key.name} revoked.`);
      await reload();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };

  return (
    <div class="keys-admin">
      <p class="admin-status" role="status">
        {status}
      </p>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {made !== undefined && <NewApiKey name={made.name} keyText={made.key} onDone={() => setMade(undefined)} />}
      {keys === undefined ? (
        error === "" && <p class="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <p class="muted">No API keys yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="admin-table">
            <caption class="sr-only">API keys of this company</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} data-key={key.name}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.scopes.map((scope) => SCOPE_NAMES[scope] ?? scope).join(", ")}</td>
                  <td>{when(key.lastUsedAt)}</td>
                  <td>{key.revokedAt === null ? "Active" : `Revoked ${when(key.revokedAt)}`}</td>
                  <td class="tenant-actions">
                    {key.revokedAt === null &&
                      (confirming === key.id ? (
                        <span role="group" aria-label={`Confirm revoking ${key.name}`} class="confirm">
                          <span>Integrations using it stop at once.</span>
                          <button type="button" class="danger" onClick={() => void revoke(key)}>
                            Revoke {key.name}
                          </button>
                          <button type="button" class="secondary" onClick={() => setConfirming(undefined)}>
                            Keep it
                          </button>
                        </span>
                      ) : (
                        <button type="button" class="danger" aria-label={`Revoke ${key.name}…`} onClick={() => setConfirming(key.id)}>
                          Revoke…
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddApiKeyForm scopeNames={SCOPE_NAMES} onSubmit={create} />
    </div>
  );
}
