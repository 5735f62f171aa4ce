/**
 * What the panel shows before a chat when nobody can answer: the widget asks
 * the server whether the queue is open (business hours and an available
 * agent) and, when it is not, shows the offline message form (fetched then)
 * instead of the start form. When the server cannot be asked, the start form
 * is shown: the server still judges the chat.
 * @module
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import { fetchAvailability } from "../front-door.js";
import { loadOnDemand, useOnDemand } from "../on-demand.js";

const offlineForm = loadOnDemand(() => import("./OfflineForm.js"));

/** The start form (`children`) when the queue is open or unknown, the offline form when it is closed. */
export function OfflineGate({ config, children }: { config: WidgetConfig; children: ComponentChildren }): JSX.Element {
  const [isClosed, setClosed] = useState<boolean | null>(null);
  useEffect(() => {
    let isCurrent = true;
    fetchAvailability(config).then(
      (answer) => isCurrent && setClosed(!answer.open),
      () => isCurrent && setClosed(false),
    );
    return () => {
      isCurrent = false;
    };
  }, [config]);
  const form = useOnDemand(offlineForm, isClosed === true);
  const gate = useRef<HTMLDivElement>(null);
  // The panel opened (and placed the focus) before the answer came: the focus goes to the first field of the form
  // shown, unless the customer has moved it out of the panel meanwhile.
  useEffect(() => {
    const root = gate.current;
    if (isClosed === null || root === null) return;
    const active = (root.getRootNode() as Document | ShadowRoot).activeElement;
    if (active === null || root.closest(".panel")?.contains(active) === true) root.querySelector<HTMLElement>("input, textarea")?.focus();
  }, [isClosed, form]);
  if (isClosed === null) return <p class="greeting" aria-busy="true" />;
  return (
    <div class="gate" ref={gate}>
      {isClosed ? form !== null && <form.OfflineForm config={config} /> : children}
    </div>
  );
}

