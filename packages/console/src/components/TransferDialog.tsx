/**
 * Transfers (or, for a supervisor, reassigns) a chat: to an agent the desk
 * knows, or back to a queue by name, with a note the next agent reads first.
 * With `isTakeOver`, a supervisor takes the chat over, with a note only.
 * A modal `<dialog>`; Escape cancels, the server's refusal is shown inside.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Desk } from "../desk.js";
import type { Room } from "../room.js";

export function TransferDialog({ desk, room, onClose, isTakeOver = false }: { desk: Desk; room: Room; onClose: () => void; isTakeOver?: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const agents = desk.knownAgents;
  const [to, setTo] = useState<"agent" | "queue">(agents.length > 0 ? "agent" : "queue");
  const [agentId, setAgentId] = useState(agents[0]?.id ?? "");
  const [queue, setQueue] = useState("");
  const [note, setNote] = useState("");
  const [isSending, setSending] = useState(false);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    return () => element.close();
  }, []);
  const close = () => {
    dialog.current?.close();
    onClose();
  };
  const submit = async () => {
    const target = to === "agent" ? { agentId: agentId.trim(), note } : { queue: queue.trim(), note };
    setSending(true);
    const isDone = isTakeOver ? await desk.takeOver(room, note) : await desk.transfer(room, target);
    setSending(false);
    if (isDone) close();
  };
  const error = desk.errors.get(room.id);
  const verb = isTakeOver ? "Take over" : room.isMonitor ? "Reassign" : "Transfer";
  return (
    <dialog
      ref={dialog}
      class="confirm transfer-dialog"
      aria-labelledby="transfer-heading"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <form
        class="transfer-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="transfer-heading">
          {verb} the chat with {room.customerNickname}
        </h2>
        {!isTakeOver && (
          <TargetFields agents={agents} to={to} setTo={setTo} agentId={agentId} setAgentId={setAgentId} queue={queue} setQueue={setQueue} />
        )}
        <label>
          {isTakeOver ? "Note for the agents (the customer does not see it)" : "Note for the next agent (the customer does not see it)"}
          <textarea rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-field="note" />
        </label>
        {error !== undefined && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="confirm-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" disabled={isSending}>
            {verb}
          </button>
        </div>
      </form>
    </dialog>
  );
}

interface TargetProps {
  agents: Desk["knownAgents"];
  to: "agent" | "queue";
  setTo: (to: "agent" | "queue") => void;
  agentId: string;
  setAgentId: (id: string) => void;
  queue: string;
  setQueue: (queue: string) => void;
}

/** Where the chat goes: an agent (from those the desk knows, or by id) or a queue by name. */
function TargetFields({ agents, to, setTo, agentId, setAgentId, queue, setQueue }: TargetProps) {
  return (
    <>
      <fieldset>
        <legend>To</legend>
        <label>
          <input type="radio" name="transfer-to" checked={to === "agent"} onChange={() => setTo("agent")} /> An agent
        </label>
        <label>
          <input type="radio" name="transfer-to" checked={to === "queue"} onChange={() => setTo("queue")} /> A queue
        </label>
      </fieldset>
      {to === "agent" ? (
        agents.length > 0 ? (
          <label>
            Agent
            <select value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)} data-field="agent">
              {agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.nickname} ({agent.status})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            Agent id
            <input value={agentId} onInput={(e) => setAgentId(e.currentTarget.value)} placeholder="USER_…" data-field="agent" />
          </label>
        )
      ) : (
        <label>
          Queue
          <input value={queue} onInput={(e) => setQueue(e.currentTarget.value)} placeholder="billing" required data-field="queue" />
        </label>
      )}
    </>
  );
}
