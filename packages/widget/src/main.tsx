/**
 * The customer chat widget: `<script src="https://<parley-host>/widget.js" async></script>`
 * on any page loads this module (src/loader.ts). It mounts in a shadow root, so
 * the page's CSS and its own never meet, and talks to the Parley server the
 * script came from.
 * @module
 */
import { render } from "preact";
import { readConfig, textColourOn } from "./config.js";
import { HostPage } from "./host-page.js";
import { LANGUAGES } from "./i18n.js";
import { ChatSession } from "./session.js";
import { App } from "./ui/App.js";
import css from "./widget.css?inline";

const HOST_ID = "parley-widget";

function mountNow(script: HTMLScriptElement | null): void {
  // A page that includes the snippet twice still gets one widget.
  if (document.getElementById(HOST_ID)) return;
  const config = readConfig(script);
  const strings = LANGUAGES[config.language];
  const host = document.createElement("div");
  host.id = HOST_ID;
  document.body.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  const rules = `${css}\n:host{--brand:${config.colour};--on-brand:${textColourOn(config.colour)}}`;
  // A constructed stylesheet is not an inline style: a page whose Content-Security-Policy
  // forbids 'unsafe-inline' styles still shows the widget. Older browsers get a <style>.
  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet.prototype.replaceSync === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rules);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = rules;
    shadow.append(style);
  }
  const container = document.createElement("div");
  container.lang = config.language;
  shadow.append(container);
  const page = new HostPage();
  page.install();
  const session = new ChatSession(config, strings, page);
  render(<App session={session} config={config} strings={strings} host={page} />, container);
  page.emit("Loaded");
  void session.restore();
  // Proactive invitations: a chunk of their own, after the first view.
  void import("./invitations.js").then(({ watchInvitations }) => watchInvitations({ config, session, page, element: host })).catch(() => undefined);
}

/** Mounts the widget configured by `script` (the page's `<script src=".../widget.js">` tag) once the page has a body. */
export function mount(script: HTMLScriptElement | null): void {
  if (document.body) mountNow(script);
  else document.addEventListener("DOMContentLoaded", () => mountNow(script), { once: true });
}
