import { render } from "preact";
import { App } from "./components/App.js";
import "./styles.css";
import "./webhooks-tab.js";
import "./prechat-tab.js";

const root = document.getElementById("app");
if (root !== null) render(<App />, root);
