/**
 * Before a chat, the queue's pre-chat form when it has one (a chunk of its
 * own, fetched then), else the start form (`children`). When the form cannot
 * be asked for, the start form is shown: the server still checks the answers.
 * @module
 */
import type { PublicPrechatForm } from "@parley/protocol";
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import type { Strings } from "../i18n.js";
import { loadOnDemand, useOnDemand } from "../on-demand.js";
import { fetchPrechatForm } from "../prechat.js";
import type { ChatSession } from "../session.js";

const prechatForm = loadOnDemand(() => import("./PrechatForm.js"));

interface Props {
  config: WidgetConfig;
  session: ChatSession;
  strings: Strings;
  greeting: string;
  isBusy: boolean;
  children: ComponentChildren;
}

export function PrechatGate({ config, session, strings, greeting, isBusy, children }: Props): JSX.Element {
  const [form, setForm] = useState<PublicPrechatForm | null | undefined>(undefined);
  useEffect(() => {
    let isCurrent = true;
    fetchPrechatForm(config).then(
      (answer) => isCurrent && setForm(answer),
      () => isCurrent && setForm(null),
    );
    return () => {
      isCurrent = false;
    };
  }, [config]);
  const chunk = useOnDemand(prechatForm, form !== undefined && form !== null);
  if (form === null) return <>{children}</>;
  if (form === undefined || chunk === null) return <p class="greeting" aria-busy="true" />;
  return <chunk.PrechatForm form={form} config={config} session={session} strings={strings} greeting={greeting} isBusy={isBusy} />;
}
