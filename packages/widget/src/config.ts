/**
 * The widget's settings, read from its own `<script>` tag: the server is the
 * script's origin unless `data-server` says otherwise; `data-tenant` names the
 * company the chats belong to; `data-title`, `data-colour`, `data-greeting`,
 * `data-position` and `data-lang` (or `data-language`) adjust it.
 * @module
 */
import { LANGUAGES, type Language } from "./i18n.js";

export interface WidgetConfig {
  /** Base URL of the Parley server. */
  serverUrl: string;
  /**
   * The company (tenant) whose agents answer, from `data-tenant`; undefined: the
   * server decides (its host mapping, else `default`).
   */
  tenant: string | undefined;
  /** Panel title; default: the language's. */
  title: string | undefined;
  /** Greeting shown above the start form; default: the language's. */
  greeting: string | undefined;
  /** Brand colour of the launcher, header and own messages (a CSS colour, `#rgb` or `#rrggbb`). */
  colour: string;
  /** Corner of the launcher. */
  position: "right" | "left";
  language: Language;
  /** The queue (`data-queue`) whose hours and survey apply; undefined: the server's `default`. */
  queue: string | undefined;
  /** A privacy page (`data-privacy-url`, http/https only): the offline form then asks for consent and links to it. */
  privacyUrl: string | undefined;
}

/**
 * A tenant name as the server accepts it. Kept here rather than imported: the
 * protocol's index brings its schemas, and the widget's size budget with them.
 */
export const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The default brand colour: white text on it has a contrast of 8.6:1. */
export const DEFAULT_COLOUR = "#0b4f9c";

/** The script's language, else the page's `<html lang>`, else the browser's first, else English. */
function pickLanguage(wanted: string | undefined): Language {
  for (const candidate of [wanted, document.documentElement.lang, navigator.language]) {
    const short = candidate?.slice(0, 2).toLowerCase();
    if (short !== undefined && short in LANGUAGES) return short as Language;
  }
  return "en";
}

export function readConfig(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const base = data.server ?? (script?.src ? new URL(script.src, location.href).origin : location.origin);
  const colour = data.colour ?? data.color ?? "";
  return {
    serverUrl: base.replace(/\/+$/, ""),
    // Passed on as written (trimmed): the server judges the name and answers a coded refusal.
    tenant: data.tenant?.trim() || undefined,
    title: data.title || undefined,
    greeting: data.greeting || undefined,
    // Only hex colours: they can be checked for contrast, and nothing else reaches the stylesheet.
    colour: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(colour) ? colour : DEFAULT_COLOUR,
    position: data.position === "left" ? "left" : "right",
    language: pickLanguage(data.lang ?? data.language),
    queue: /^[a-z0-9][a-z0-9_-]{0,63}$/.test(data.queue?.trim() ?? "") ? data.queue?.trim() : undefined,
    privacyUrl: /^https?:\/\//i.test(data.privacyUrl?.trim() ?? "") ? data.privacyUrl?.trim() : undefined,
  };
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textColourOn(hex: string): string {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join("") : hex.slice(1);
  const channel = (i: number) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return (1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05) ? "#ffffff" : "#111111";
}
