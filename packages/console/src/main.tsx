import { render } from "preact";
import { App } from "./components/App.js";
import "./styles.css";
import "./queues-tab.js";
import "./webhooks-tab.js";
import "./canned-tab.js";
import "./invitations-tab.js";
import "./prechat-tab.js";

const root = document.getElementById("app");
if (root !== null) render(<App />, root);
