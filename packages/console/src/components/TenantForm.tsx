/**
 * The form that adds a tenant or edits one: its display name, its limits and
 * how long its chats are kept. An empty limit is no limit. Numbers are checked
 * here so a typo is named before anything is sent; the server checks again.
 */
import { useState } from "preact/hooks";
import type { TenantInfo, TenantLimitsInfo } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { TENANT_NAME } from "../tenant.js";

const MB = 1024 * 1024;

/** What the form hands over: the tenant's name and every field as filled in (null: none). */
export interface TenantFormValue {
  name: string;
  displayName: string;
  limits: TenantLimitsInfo;
  retentionDays: number | null;
}

interface Props {
  /** The tenant edited; undefined when a new one is added. */
  tenant?: TenantInfo;
  /** Distinguishes the ids of the add form and an edit form on one page. */
  idPrefix: string;
  submitLabel: string;
  /** Resolves once the server accepted; rejects with the error to show. */
  onSubmit: (value: TenantFormValue) => Promise<void>;
  onCancel?: () => void;
}

/** A whole number from `min` to `max` from a field, null when empty, or an error naming the field. */
function count(text: string, label: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || value < min || value > max) {
    throw new Error(`${label}: a whole number from ${min} to ${max}, or empty for none.`);
  }
  return value;
}

const shown = (value: number | null | undefined, scale = 1) => (value === null || value === undefined ? "" : String(Math.round(value / scale)));

export function TenantForm({ tenant, idPrefix, submitLabel, onSubmit, onCancel }: Props) {
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState(tenant?.displayName ?? "");
  const [maxAgents, setMaxAgents] = useState(shown(tenant?.limits.maxAgents));
  const [maxChats, setMaxChats] = useState(shown(tenant?.limits.maxActiveChats));
  const [maxStorage, setMaxStorage] = useState(shown(tenant?.limits.maxStorageBytes, MB));
  const [retention, setRetention] = useState(shown(tenant?.retentionDays));
  const [error, setError] = useState("");
  const [isBusy, setBusy] = useState(false);
  const id = (field: string) => `${idPrefix}-${field}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setError("");
    let value: TenantFormValue;
    try {
      const wanted = name.trim().toLowerCase();
      if (tenant === undefined && !TENANT_NAME.test(wanted)) {
        throw new Error("Name: lowercase letters, digits and dashes (not at either end), at most 63.");
      }
      const storageMb = count(maxStorage, "Max storage", 0, Math.floor(Number.MAX_SAFE_INTEGER / MB));
      value = {
        name: tenant?.name ?? wanted,
        displayName: displayName.trim() === "" ? (tenant?.name ?? wanted) : displayName.trim(),
        limits: {
          maxAgents: count(maxAgents, "Max agents", 0),
          maxActiveChats: count(maxChats, "Max active chats", 0),
          maxStorageBytes: storageMb === null ? null : storageMb * MB,
        },
        // The server keeps chats at most 100 years.
        retentionDays: count(retention, "Keep chats", 1, 36_500),
      };
    } catch (invalid) {
      setError((invalid as Error).message);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(value);
      if (tenant === undefined) {
        for (const clear of [setName, setDisplayName, setMaxAgents, setMaxChats, setMaxStorage, setRetention]) clear("");
      }
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="tenant-form" onSubmit={submit} aria-describedby={error === "" ? undefined : id("error")}>
      {tenant === undefined && (
        <div class="field">
          <label for={id("name")}>Name</label>
          <input id={id("name")} required value={name} autocomplete="off" aria-describedby={id("name-hint")} onInput={(e) => setName(e.currentTarget.value)} />
          <small id={id("name-hint")} class="muted">
            Used in logins and in the widget's data-tenant; cannot change later.
          </small>
        </div>
      )}
      <div class="field">
        <label for={id("display")}>Display name</label>
        <input id={id("display")} value={displayName} maxLength={256} onInput={(e) => setDisplayName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={id("agents")}>Max agents</label>
        <input id={id("agents")} inputMode="numeric" value={maxAgents} placeholder="no limit" onInput={(e) => setMaxAgents(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={id("chats")}>Max active chats</label>
        <input id={id("chats")} inputMode="numeric" value={maxChats} placeholder="no limit" onInput={(e) => setMaxChats(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={id("storage")}>Max storage (MB)</label>
        <input id={id("storage")} inputMode="numeric" value={maxStorage} placeholder="no limit" onInput={(e) => setMaxStorage(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={id("retention")}>Keep chats (days)</label>
        <input id={id("retention")} inputMode="numeric" value={retention} placeholder="forever" onInput={(e) => setRetention(e.currentTarget.value)} />
      </div>
      <div class="form-actions">
        <button type="submit" disabled={isBusy}>
          {submitLabel}
        </button>
        {onCancel !== undefined && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {error !== "" && (
        <p id={id("error")} class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
