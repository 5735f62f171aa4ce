/** A server with an admin for the pre-chat tests, and a pre-chat form they set on a queue: a nickname, a contract number with a pattern, a select, a hidden note, a box to tick and consent. @module */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { PrechatForm } from "@parley/protocol";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./server.js";

/** A server on a fresh data dir with an admin `ada` and an agent `bob` (passwords `<name>-password`), and their tokens; `close` removes the data. */
export async function startServerWithAdmin(): Promise<{ server: InProcessServer; admin: string; agent: string; dataDir: string; close: () => Promise<void> }> {
  const data = await tempDataDir();
  const run = promisify(execFile);
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "bob", "--password", "bob-password", "--nickname", "Bob", "--data-dir", data.dir]);
  const server = await startServer({ dataDir: data.dir });
  const admin = await loginAgent(server.url, "ada", "ada-password");
  const agent = await loginAgent(server.url, "bob", "bob-password");
  return {
    server,
    admin,
    agent,
    dataDir: data.dir,
    close: async () => {
      await server.close();
      await data.remove();
    },
  };
}

export const TEST_FORM: PrechatForm = {
  fields: [
    { key: "intro", kind: "info", mandatory: false, pattern: null, options: [], agentVisible: true, labels: { en: "Tell us who you are.", fr: "Dites-nous qui vous êtes." } },
    { key: "nickname", kind: "nickname", mandatory: true, pattern: null, options: [], agentVisible: true, labels: { en: "Your name", fr: "Votre nom" } },
    { key: "contract", kind: "name", mandatory: true, pattern: "C-[0-9]{6}", options: [], agentVisible: true, labels: { en: "Contract number", fr: "Numéro de contrat" } },
    {
      key: "topic",
      kind: "select",
      mandatory: true,
      pattern: null,
      options: [
        { value: "billing", labels: { en: "Billing", fr: "Facturation" } },
        { value: "tech", labels: { en: "Technical", fr: "Technique" } },
      ],
      agentVisible: true,
      labels: { en: "Topic", fr: "Sujet" },
    },
    { key: "birthday", kind: "date", mandatory: false, pattern: null, options: [], agentVisible: false, labels: { en: "Birthday", fr: "Anniversaire" } },
    { key: "newsletter", kind: "checkbox", mandatory: false, pattern: null, options: [], agentVisible: true, labels: { en: "Send me news", fr: "Envoyez-moi des nouvelles" } },
  ],
  consent: { privacyUrl: "https://example.com/privacy", labels: { en: "I agree to the privacy policy", fr: "J'accepte la politique de confidentialité" } },
};
