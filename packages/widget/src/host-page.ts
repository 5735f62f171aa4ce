/**
 * The widget as the host page drives it: the `window.Parley` API (`open`,
 * `close`, `setAttributes`, `on`) and the host-page events of the original
 * product, posted to the page with `window.postMessage` and given to the
 * `Parley.on` callbacks. Calls made before the widget ran wait in the stub's
 * queue (`Parley.q`, see src/loader.ts and docs/widget.md) and run in order.
 * @module
 */

/** The events the page receives, in the original product's names. */
export type HostEventName = "Loaded" | "WidgetShown" | "WidgetHidden" | "WidgetClicked" | "ChatStarted" | "ChatOnline" | "ChatFinished" | "InvitationShown";

/**
 * What `postMessage` carries and `Parley.on` callbacks receive: `source` is
 * always `"parley"`, so that a page tells these messages from its others;
 * `chatId` on the chat events; `survey` on `ChatFinished`; `invitation` (the
 * rule's id) on `InvitationShown`.
 */
export interface HostEvent {
  source: "parley";
  event: HostEventName;
  chatId?: string;
  /** `ChatFinished` only: whether a satisfaction survey follows in the widget. */
  survey?: boolean;
  /** `InvitationShown` only: the id of the rule that invited. */
  invitation?: string;
}

/** What the panel gives the API once it is shown. */
export interface PanelControls {
  open(): void;
  close(): void;
  /** Opens the panel with an invitation's message in place of the greeting. */
  invite(message: string): void;
}

const EVENT_NAMES = new Set<string>(["Loaded", "WidgetShown", "WidgetHidden", "WidgetClicked", "ChatStarted", "ChatOnline", "ChatFinished", "InvitationShown"]);
/** Call data as the server keeps it: a bounded set of short named strings. */
const MAX_ATTRIBUTES = 50;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_ATTRIBUTE_VALUE = 1024;
const MAX_LISTENERS = 100;

export class HostPage {
  /** The call data given with `setAttributes`, sent with the next chat started. */
  readonly attributes: Record<string, string> = {};
  private readonly listeners = new Map<HostEventName, ((event: HostEvent) => void)[]>();
  private panel: PanelControls | null = null;
  private waiting: (() => void)[] = [];
  private shown = false;

  /** Whether the panel is open (as the last `WidgetShown` or `WidgetHidden` told). */
  get isShown(): boolean {
    return this.shown;
  }

  /** Replaces the page's stub with the API and runs the calls queued in it. */
  install(): void {
    const win = window as unknown as { Parley?: { q?: unknown } };
    const queued = Array.isArray(win.Parley?.q) ? (win.Parley.q as unknown[]) : [];
    const api = {
      open: () => this.withPanel((panel) => panel.open()),
      close: () => this.withPanel((panel) => panel.close()),
      setAttributes: (values: unknown) => this.setAttributes(values),
      on: (event: unknown, callback: unknown) => this.on(event, callback),
      q: [] as unknown[],
    };
    win.Parley = api;
    for (const call of queued) {
      if (!Array.isArray(call) || typeof call[0] !== "string") continue;
      const method = (api as unknown as Record<string, unknown>)[call[0]];
      if (typeof method === "function" && call[0] !== "q") (method as (...args: unknown[]) => void)(...call.slice(1));
    }
  }

  /** The panel is shown: `open`/`close` calls made until now run. */
  attach(panel: PanelControls): void {
    this.panel = panel;
    const waiting = this.waiting;
    this.waiting = [];
    for (const run of waiting) run();
  }

  /** Tells the page: a `postMessage` to this window, then the `Parley.on` callbacks. */
  emit(event: HostEventName, details: { chatId?: string; survey?: boolean; invitation?: string } = {}): void {
    if (event === "WidgetShown" || event === "WidgetHidden") this.shown = event === "WidgetShown";
    const message: HostEvent = { source: "parley", event, ...details };
    // This window only: an opaque origin (file:, sandboxed) cannot be named as the target.
    window.postMessage(message, location.origin === "null" ? "*" : location.origin);
    for (const callback of this.listeners.get(event) ?? []) {
      try {
        callback({ ...message });
      } catch (error) {
        console.error("Parley: a Parley.on callback threw", error);
      }
    }
  }

  /** A proactive invitation (invitations.ts): the panel opens with its message, and the page is told. */
  invite(message: string, rule: string): void {
    this.withPanel((panel) => panel.invite(message));
    this.emit("InvitationShown", { invitation: rule });
  }

  private withPanel(run: (panel: PanelControls) => void): void {
    if (this.panel) run(this.panel);
    else if (this.waiting.length < MAX_LISTENERS) this.waiting.push(() => run(this.panel!));
  }

  private on(event: unknown, callback: unknown): void {
    if (typeof event !== "string" || !EVENT_NAMES.has(event) || typeof callback !== "function") {
      console.warn(`Parley.on: unknown event ${String(event)} or no callback`);
      return;
    }
    const list = this.listeners.get(event as HostEventName) ?? [];
    if (list.length < MAX_LISTENERS) list.push(callback as (event: HostEvent) => void);
    this.listeners.set(event as HostEventName, list);
  }

  /** Merges call data: names of letters, digits and `_.-`, string values (numbers are written out); `null` removes one. */
  private setAttributes(values: unknown): void {
    if (typeof values !== "object" || values === null) return;
    for (const [name, value] of Object.entries(values)) {
      if (!ATTRIBUTE_NAME.test(name)) {
        console.warn(`Parley.setAttributes: ${name} is not an attribute name`);
        continue;
      }
      if (value === null || value === undefined) {
        delete this.attributes[name];
        continue;
      }
      const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
      const isNew = !(name in this.attributes);
      if (text === undefined || text.length > MAX_ATTRIBUTE_VALUE || (isNew && Object.keys(this.attributes).length >= MAX_ATTRIBUTES)) {
        console.warn(`Parley.setAttributes: ${name} is not kept (a string of at most ${MAX_ATTRIBUTE_VALUE} characters, ${MAX_ATTRIBUTES} attributes)`);
        continue;
      }
      this.attributes[name] = text;
    }
  }
}
