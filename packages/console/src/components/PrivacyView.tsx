/**
 * For the tenant's admins: export or erase one customer's data, and read the
 * audit log. Anyone else is told the server refused (the role is checked
 * there, not here).
 */
import { useEffect, useState } from "preact/hooks";
import { eraseCustomer, exportCustomer, listAudit, type AuditEntry, type CustomerKey } from "../privacy-api.js";

const KEYS: Array<[CustomerKey, string]> = [
  ["email", "E-mail"],
  ["customerId", "Customer id (USER_…)"],
  ["chatId", "Chat id (CHAT_…)"],
];

/** An entry's detail, as short text: counts and names, never long lists. */
function summary(entry: AuditEntry): string {
  return Object.entries(entry.detail)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.length : String(value)}`)
    .join(", ");
}

export function PrivacyView({ token, onClose }: { token: string; onClose: () => void }) {
  const [key, setKey] = useState<CustomerKey>("email");
  const [value, setValue] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  const loadAudit = async (before?: string) => {
    try {
      const page = await listAudit(token, before);
      setEntries((previous) => (before === undefined ? page.entries : [...previous, ...page.entries]));
      setCursor(page.nextCursor);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  useEffect(() => {
    void loadAudit();
  }, [token]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setError("");
    setStatus("");
    try {
      setStatus(await work());
      await loadAudit();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportNow = () =>
    run(async () => {
      const zip = await exportCustomer(token, key, value);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(zip);
      link.download = `customer-export-${new Date().toISOString().slice(0, 10)}.zip`;
      link.click();
      URL.revokeObjectURL(link.href);
      return `Export ready (${Math.ceil(zip.size / 1024)} KiB).`;
    });

  const eraseNow = () =>
    run(async () => {
      const done = await eraseCustomer(token, key, value);
      setConfirmed(false);
      return done.chats === 0 ? "Nothing left to erase." : `Erased ${done.chats} chat(s): ${done.events} events redacted, ${done.files} file(s) deleted.`;
    });

  const hasValue = value.trim() !== "";
  return (
    <section class="privacy" aria-labelledby="privacy-heading">
      <div class="privacy-head">
        <h2 id="privacy-heading">Customer data and audit log</h2>
        <button type="button" onClick={onClose}>
          Back to chats
        </button>
      </div>
      <form class="privacy-form" onSubmit={(e) => e.preventDefault()}>
        <label for="privacy-key">Find the customer by</label>
        <select id="privacy-key" value={key} onChange={(e) => setKey(e.currentTarget.value as CustomerKey)}>
          {KEYS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <label for="privacy-value">Value</label>
        <input id="privacy-value" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <div class="privacy-actions">
          <button type="button" disabled={busy || !hasValue} onClick={() => void exportNow()}>
            Export (ZIP)
          </button>
          <label class="confirm">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
            Erasure cannot be undone
          </label>
          <button type="button" class="danger" disabled={busy || !hasValue || !confirmed} onClick={() => void eraseNow()}>
            Erase
          </button>
        </div>
      </form>
      {status !== "" && (
        <p class="notice" role="status">
          {status}
        </p>
      )}
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h3>Audit log</h3>
      <table class="audit">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{new Date(entry.at).toLocaleString()}</td>
              <td>
                {entry.actor.name ?? entry.actor.type} <span class="muted">({entry.actor.type})</span>
              </td>
              <td>{entry.action}</td>
              <td>{entry.target === null ? "" : entry.target.id}</td>
              <td>{summary(entry)}</td>
              <td>{entry.address ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && error === "" && <p class="muted">Nothing recorded yet.</p>}
      {cursor !== null && (
        <button type="button" onClick={() => void loadAudit(cursor)}>
          Older entries
        </button>
      )}
    </section>
  );
}
