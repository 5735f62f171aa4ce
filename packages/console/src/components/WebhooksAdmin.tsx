/**
 * For the tenant's admins: the webhook endpoints (with a warning for those
 * disabled after a day of failures), adding one (a generated secret is shown
 * this once), the event types each takes, and an endpoint's delivery log with
 * a redeliver button. The role is checked by the server, not here.
 */
import { useEffect, useState } from "preact/hooks";
import { WEBHOOK_EVENT_TYPES, type WebhookDelivery, type WebhookEventType, type WebhookSummary } from "@parley/protocol";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, pingWebhook, redeliver, updateWebhook } from "../webhooks-api.js";

function EventsPicker({ value, onChange }: { value: WebhookEventType[] | null; onChange: (events: WebhookEventType[] | null) => void }) {
  const all = value === null;
  const toggle = (type: WebhookEventType, on: boolean) => {
    const current = value ?? [...WEBHOOK_EVENT_TYPES];
    const next = on ? [...current, type] : current.filter((t) => t !== type);
    onChange(next.length === WEBHOOK_EVENT_TYPES.length ? null : next);
  };
  return (
    <fieldset class="webhook-events">
      <legend>Events</legend>
      <label>
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.currentTarget.checked ? null : [])} /> Every event (also future ones)
      </label>
      {WEBHOOK_EVENT_TYPES.map((type) => (
        <label key={type}>
          <input type="checkbox" checked={all || value.includes(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} /> <code>{type}</code>
        </label>
      ))}
    </fieldset>
  );
}

function DeliveryLog({ token, webhook }: { token: string; webhook: WebhookSummary }) {
  const [deliveries, setDeliveries] = useState<WebhookDelivery[]>([]);
  const [error, setError] = useState("");
  const load = () => listDeliveries(token, webhook.id).then(setDeliveries, (failure: Error) => setError(failure.message));
  useEffect(() => void load(), [token, webhook.id]);
  const again = async (delivery: WebhookDelivery) => {
    try {
      await redeliver(token, webhook.id, delivery.id);
      await load();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <div class="webhook-log">
      <h3>Deliveries to {webhook.url}</h3>
      <button type="button" class="secondary" onClick={() => void load()}>Refresh</button>
      {error !== "" && <p role="alert" class="error">{error}</p>}
      {deliveries.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Event</th><th>Status</th><th>Answer</th><th>Attempts</th><th>Next try</th><th>Last error</th><th /></tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-status={d.status}>
                <td><code>{d.type}</code><br /><small>{d.eventId}</small></td>
                <td>{d.status}</td>
                <td>{d.lastCode ?? "—"}</td>
                <td>{d.attempts}</td>
                <td>{d.nextAttemptAt === null ? "—" : new Date(d.nextAttemptAt).toLocaleString()}</td>
                <td>{d.lastError ?? ""}</td>
                <td><button type="button" onClick={() => void again(d)}>Redeliver</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function WebhooksAdmin({ token, onClose }: { token: string; onClose?: () => void }) {
  const [webhooks, setWebhooks] = useState<WebhookSummary[]>([]);
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [events, setEvents] = useState<WebhookEventType[] | null>(null);
  const [shownSecret, setShownSecret] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<WebhookSummary | undefined>(undefined);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");

  const load = () => listWebhooks(token).then(setWebhooks, (failure: Error) => setError(failure.message));
  useEffect(() => void load(), [token]);

  const run = async (work: () => Promise<string>) => {
    setError("");
    setStatus("");
    try {
      setStatus(await work());
      await load();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const add = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const created = await createWebhook(token, { url: url.trim(), ...(secret === "" ? {} : { secret }), ...(events === null ? {} : { events }) });
      setShownSecret(created.secret);
      setUrl("");
      setSecret("");
      return `Added ${created.webhook.url}.`;
    });
  };

  const disabled = webhooks.filter((w) => !w.enabled && w.disabledReason === "failing");
  return (
    <section class="webhooks" aria-labelledby="webhooks-heading">
      <div class="privacy-head">
        <h2 id="webhooks-heading">Webhooks</h2>
        {onClose !== undefined && <button type="button" class="secondary" onClick={onClose}>Close</button>}
      </div>
      {disabled.length > 0 && (
        <p role="alert" class="banner warning">
          {disabled.length === 1 ? "One endpoint was" : `${disabled.length} endpoints were`} disabled after failing for a day:{" "}
          {disabled.map((w) => w.url).join(", ")}. Fix the receiver, then enable it again: what waited is sent in order.
        </p>
      )}
      <table class="webhook-list">
        <thead>
          <tr><th>URL</th><th>Events</th><th>State</th><th /></tr>
        </thead>
        <tbody>
          {webhooks.map((w) => (
            <tr key={w.id} data-enabled={String(w.enabled)}>
              <td>{w.url}</td>
              <td>{w.events === null ? "every event" : w.events.join(", ")}</td>
              <td>{w.enabled ? (w.failingSince === null ? "enabled" : `failing since ${new Date(w.failingSince).toLocaleString()}`) : `disabled (${w.disabledReason ?? "admin"})`}</td>
              <td class="actions">
                <button type="button" onClick={() => setOpen(w)}>Deliveries</button>
                <button type="button" onClick={() => void run(async () => {
                  const answer = await pingWebhook(token, w.id);
                  return answer.ok ? `Ping answered ${answer.code}.` : `Ping failed: ${answer.error ?? answer.code}.`;
                })}>Ping</button>
                <button type="button" onClick={() => void run(async () => {
                  await updateWebhook(token, w.id, { enabled: !w.enabled });
                  return w.enabled ? "Disabled." : "Enabled.";
                })}>{w.enabled ? "Disable" : "Enable"}</button>
                <button type="button" class="danger" onClick={() => void run(async () => {
                  await deleteWebhook(token, w.id);
                  if (open?.id === w.id) setOpen(undefined);
                  return "Removed.";
                })}>Remove</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="privacy-form" onSubmit={add}>
        <h3>Add an endpoint</h3>
        <label>URL <input type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://crm.example.com/parley" /></label>
        <label>Secret (16 characters or more; empty: generated) <input type="password" minLength={16} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} /></label>
        <EventsPicker value={events} onChange={setEvents} />
        <button type="submit" disabled={url.trim() === "" || (events !== null && events.length === 0)}>Add</button>
      </form>
      {shownSecret !== undefined && (
        <p class="banner" role="status">
          The endpoint's signing secret, shown only this once: <code>{shownSecret}</code>{" "}
          <button type="button" class="secondary" onClick={() => setShownSecret(undefined)}>I saved it</button>
        </p>
      )}
      {status !== "" && <p role="status">{status}</p>}
      {error !== "" && <p role="alert" class="error">{error}</p>}
      {open !== undefined && <DeliveryLog key={open.id} token={token} webhook={open} />}
    </section>
  );
}
