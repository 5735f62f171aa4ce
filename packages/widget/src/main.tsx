/**
 * The customer chat widget: `<script src="https://<parley-host>/widget.js" async></script>`
 * on any page. It mounts in a shadow root, so the page's CSS and its own never
 * meet, and talks to the Parley server the script came from.
 * @module
 */
import { render } from "preact";
import { ownScript, readConfig, textColourOn } from "./config.js";
import { LANGUAGES } from "./i18n.js";
import { ChatSession } from "./session.js";
import { App } from "./ui/App.js";
import css from "./widget.css?inline";

const HOST_ID = "parley-widget";

function mount(): void {
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
  const session = new ChatSession(config, strings);
  render(<App session={session} config={config} strings={strings} />, container);
  void session.restore();
}

// Read while the script runs: `document.currentScript` is null afterwards.
const script = ownScript();
if (document.body) mount();
else document.addEventListener("DOMContentLoaded", mount, { once: true });
