/**
 * The admin page's Agents tab: the tenant's agents in a table — role and
 * capacity changed in place, disable and enable, a new password set by the
 * admin — and a form to add one. The server's refusals (the last admin, a
 * taken username) are shown as it words them.
 */
import { useEffect, useState } from "preact/hooks";
import type { AgentSummary } from "@parley/protocol";
import { createAgent, listAgents, setAgentPassword, updateAgent } from "../admin-api.js";
import { describeFailure } from "../api.js";
import { AgentPasswordForm } from "./AgentPasswordForm.js";
import { AddAgentForm } from "./AddAgentForm.js";

const ROLES = [
  ["agent", "Agent"],
  ["supervisor", "Supervisor"],
  ["admin", "Admin"],
] as const;

const STATUS: Record<string, string> = { available: "Available", away: "Away", offline: "Offline" };

export function AgentsAdmin({ token }: { token: string }) {
  const [agents, setAgents] = useState<AgentSummary[] | undefined>(undefined);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [passwordFor, setPasswordFor] = useState<AgentSummary | undefined>(undefined);

  const reload = async () => {
    try {
      setAgents(await listAgents(token));
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  useEffect(() => {
    void reload();
  }, [token]);

  /** Runs a change, then says what happened and reads the list again. */
  const act = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    setError("");
    try {
      await work();
      setStatus(done);
      await reload();
      return true;
    } catch (failure) {
      setError(describeFailure(failure));
      await reload();
      return false;
    }
  };

  return (
    <div class="agents-admin">
      <p class="admin-status" role="status">
        {status}
      </p>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {agents === undefined ? (
        error === "" && <p class="muted">Loading…</p>
      ) : (
        <div class="table-scroll">
          <table class="admin-table">
            <caption class="sr-only">Agents of this company</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Capacity</th>
                <th scope="col">Status</th>
                <th scope="col">Account</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.id} data-agent={agent.username}>
                  <th scope="row">{agent.username}</th>
                  <td>{agent.nickname}</td>
                  <td>
                    <select
                      aria-label={`Role of ${agent.username}`}
                      value={agent.role}
                      onChange={(event) => {
                        const role = event.currentTarget.value as AgentSummary["role"];
                        void act(() => updateAgent(token, agent.id, { role }), `${agent.username} is now ${role}.`);
                      }}
                    >
                      {ROLES.map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <CapacityField agent={agent} onSave={(capacity) => act(() => updateAgent(token, agent.id, { capacity }), `${agent.username}'s capacity saved.`)} />
                  </td>
                  <td>{STATUS[agent.status] ?? agent.status}</td>
                  <td>
                    <span class={`tenant-status ${agent.disabledAt === null ? "tenant-active" : "tenant-disabled"}`}>{agent.disabledAt === null ? "Enabled" : "Disabled"}</span>
                  </td>
                  <td class="tenant-actions">
                    {agent.disabledAt === null ? (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Disable ${agent.username}`}
                        onClick={() => void act(() => updateAgent(token, agent.id, { disabled: true }), `${agent.username} is disabled; their chats went back to the queue.`)}
                      >
                        Disable
                      </button>
                    ) : (
                      <button type="button" aria-label={`Enable ${agent.username}`} onClick={() => void act(() => updateAgent(token, agent.id, { disabled: false }), `${agent.username} is enabled.`)}>
                        Enable
                      </button>
                    )}
                    <button type="button" class="secondary" aria-label={`Set a new password for ${agent.username}`} onClick={() => setPasswordFor(agent)}>
                      New password
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {passwordFor !== undefined && (
        <AgentPasswordForm
          key={passwordFor.id}
          username={passwordFor.username}
          onCancel={() => setPasswordFor(undefined)}
          onSubmit={async (password) => {
            if (await act(() => setAgentPassword(token, passwordFor.id, password), `${passwordFor.username}'s new password is set.`)) setPasswordFor(undefined);
          }}
        />
      )}
      <AddAgentForm onSubmit={(body) => act(() => createAgent(token, body), `${body.username} added.`)} />
    </div>
  );
}

/** The capacity in place: a number (empty for the server's default) and a Save button. */
function CapacityField({ agent, onSave }: { agent: AgentSummary; onSave: (capacity: number | null) => Promise<boolean> }) {
  const [value, setValue] = useState(agent.capacity === null ? "" : String(agent.capacity));
  useEffect(() => setValue(agent.capacity === null ? "" : String(agent.capacity)), [agent.capacity]);
  return (
    <form
      class="capacity"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave(value.trim() === "" ? null : Number(value));
      }}
    >
      <input
        type="number"
        min={1}
        max={100000}
        inputMode="numeric"
        placeholder="default"
        aria-label={`Capacity of ${agent.username}`}
        value={value}
        onInput={(event) => setValue(event.currentTarget.value)}
      />
      <button type="submit" class="secondary" aria-label={`Save the capacity of ${agent.username}`}>
        Save
      </button>
    </form>
  );
}
