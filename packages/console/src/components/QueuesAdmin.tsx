/**
 * The tenant's queues for its admins: each queue's routing mode, members,
 * offer seconds and waiting limit, changed in place; a form adds a queue.
 * Members are agent ids (`USER_…`), comma-separated. The server checks the
 * role: anyone else is told it refused. A tab of the admin page (queues-tab.tsx).
 */
import { useEffect, useState } from "preact/hooks";
import { ROUTING_MODES, WAIT_LIMIT_ACTIONS, type QueueInfo, type RoutingMode, type UpdateQueueBody, type WaitLimitAction } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { createQueue, deleteQueue, listQueues, updateQueue } from "../queues-api.js";

const MODE_LABELS: Record<RoutingMode, string> = { manual: "Manual (agents pick)", auto: "Auto (offered in turn)", external: "External router" };
const ACTION_LABELS: Record<WaitLimitAction, string> = { tell: "Tell the customer", keep: "Keep waiting", close: "Close with the message" };

/** What the form edits: the queue's fields as text. */
interface Draft {
  name: string;
  mode: RoutingMode;
  offerSeconds: string;
  waitLimitSeconds: string;
  waitLimitAction: WaitLimitAction;
  waitLimitMessage: string;
  members: string;
}

const EMPTY: Draft = { name: "", mode: "manual", offerSeconds: "30", waitLimitSeconds: "", waitLimitAction: "keep", waitLimitMessage: "", members: "" };

function draftOf(queue: QueueInfo): Draft {
  return {
    name: queue.name,
    mode: queue.mode,
    offerSeconds: String(queue.offerSeconds),
    waitLimitSeconds: queue.waitLimitSeconds === null ? "" : String(queue.waitLimitSeconds),
    waitLimitAction: queue.waitLimitAction,
    waitLimitMessage: queue.waitLimitMessage,
    members: queue.members.join(", "),
  };
}

function changeOf(draft: Draft): UpdateQueueBody {
  return {
    mode: draft.mode,
    offerSeconds: Number(draft.offerSeconds),
    waitLimitSeconds: draft.waitLimitSeconds.trim() === "" ? null : Number(draft.waitLimitSeconds),
    waitLimitAction: draft.waitLimitAction,
    waitLimitMessage: draft.waitLimitMessage,
    members: draft.members.split(",").map((id) => id.trim()).filter((id) => id !== ""),
  };
}

export function QueuesAdmin({ token }: { token: string }) {
  const [queues, setQueues] = useState<QueueInfo[] | undefined>(undefined);
  const [editing, setEditing] = useState<Draft | undefined>(undefined);
  const [isNew, setNew] = useState(false);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  const reload = () =>
    listQueues(token).then(
      (list) => setQueues(list),
      (failure: unknown) => setError(describeFailure(failure)),
    );
  useEffect(() => void reload(), [token]);

  const act = async (work: () => Promise<string>) => {
    setError("");
    setNotice("");
    try {
      setNotice(await work());
      setEditing(undefined);
      await reload();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };

  const save = (draft: Draft) =>
    act(async () => {
      if (isNew) await createQueue(token, { name: draft.name.trim(), ...changeOf(draft) });
      else await updateQueue(token, draft.name, changeOf(draft));
      return `Queue ${draft.name} saved.`;
    });

  return (
    <section class="queues-admin" aria-labelledby="queues-heading">
      <header class="view-head">
        <h2 id="queues-heading">Queues</h2>
        <button type="button" onClick={() => { setNew(true); setEditing({ ...EMPTY }); }}>
          Add a queue
        </button>
      </header>
      {queues === undefined && error === "" && <p class="muted">Loading the queues…</p>}
      {queues !== undefined && (
        <table class="queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Routing</th>
              <th scope="col">Offer</th>
              <th scope="col">Waiting limit</th>
              <th scope="col">Members</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr key={queue.name} data-queue={queue.name}>
                <th scope="row">{queue.name}</th>
                <td>{MODE_LABELS[queue.mode]}</td>
                <td>{queue.offerSeconds}s</td>
                <td>{queue.waitLimitSeconds === null ? "None" : `${queue.waitLimitSeconds}s: ${ACTION_LABELS[queue.waitLimitAction]}`}</td>
                <td>{queue.members.length}</td>
                <td>
                  <button type="button" class="secondary" onClick={() => { setNew(false); setEditing(draftOf(queue)); }}>
                    Edit
                  </button>
                  {queue.name !== "default" && (
                    <button type="button" class="secondary" onClick={() => void act(async () => { await deleteQueue(token, queue.name); return `Queue ${queue.name} removed.`; })}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing !== undefined && <QueueForm draft={editing} isNew={isNew} onSave={(draft) => void save(draft)} onCancel={() => setEditing(undefined)} />}
      {notice !== "" && <p class="notice" role="status">{notice}</p>}
      {error !== "" && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

function QueueForm({ draft, isNew, onSave, onCancel }: { draft: Draft; isNew: boolean; onSave: (draft: Draft) => void; onCancel: () => void }) {
  const [value, setValue] = useState(draft);
  useEffect(() => setValue(draft), [draft]);
  const set = <K extends keyof Draft>(key: K, next: Draft[K]) => setValue({ ...value, [key]: next });
  return (
    <form class="queue-form" onSubmit={(e) => { e.preventDefault(); onSave(value); }}>
      <h3>{isNew ? "New queue" : `Queue ${value.name}`}</h3>
      {isNew && (
        <label>
          Name <input required pattern="[a-z0-9][a-z0-9_\-]{0,63}" value={value.name} onInput={(e) => set("name", e.currentTarget.value)} />
        </label>
      )}
      <label>
        Routing{" "}
        <select value={value.mode} onChange={(e) => set("mode", e.currentTarget.value as RoutingMode)}>
          {ROUTING_MODES.map((mode) => <option key={mode} value={mode}>{MODE_LABELS[mode]}</option>)}
        </select>
      </label>
      <label>
        Offer seconds <input type="number" min={5} max={600} value={value.offerSeconds} onInput={(e) => set("offerSeconds", e.currentTarget.value)} />
      </label>
      <label>
        Waiting limit (seconds, empty for none) <input type="number" min={1} value={value.waitLimitSeconds} onInput={(e) => set("waitLimitSeconds", e.currentTarget.value)} />
      </label>
      <label>
        Then{" "}
        <select value={value.waitLimitAction} onChange={(e) => set("waitLimitAction", e.currentTarget.value as WaitLimitAction)}>
          {WAIT_LIMIT_ACTIONS.map((action) => <option key={action} value={action}>{ACTION_LABELS[action]}</option>)}
        </select>
      </label>
      <label>
        Message to the customer <input maxLength={1000} value={value.waitLimitMessage} onInput={(e) => set("waitLimitMessage", e.currentTarget.value)} />
      </label>
      <label>
        Members (agent ids, comma-separated) <textarea rows={2} value={value.members} onInput={(e) => set("members", e.currentTarget.value)} />
      </label>
      <div class="form-actions">
        <button type="submit">Save</button>
        <button type="button" class="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
