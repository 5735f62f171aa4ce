import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The chat id hard-coded in the seed page's example. */
export const SEED_CHAT_ID = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";

/** The seed page's "Join an existing chat" example with its line breaks restored. */
export const seedExample = readFileSync(fileURLToPath(new URL("../fixtures/seed-example.js", import.meta.url)), "utf8");

/**
 * The example as the seed page itself prints it (on one line, so its `//` comments swallow the
 * rest). `seed-page.txt` is a verbatim copy of the original "Join an existing chat" page.
 */
export function seedPageExample(): string {
  const page = readFileSync(fileURLToPath(new URL("../fixtures/seed-page.txt", import.meta.url)), "utf8");
  return page.slice(page.indexOf("LIVECHATSDK.LIVECHAT.joinContact("));
}

/** Compares code token for token: whitespace (and the page's stray encoding artefact) ignored. */
export function sameCode(a: string, b: string): boolean {
  const normalise = (code: string) => code.replace(/[\s\u00a0\u00c2]/g, "");
  return normalise(a) === normalise(b);
}

/** The example's code aimed at a real chat: only the hard-coded id changes. */
export function seedExampleFor(chatId: string): string {
  return seedExample.replace(SEED_CHAT_ID, chatId);
}

/** A `console` that records what the example prints, one string per call. */
export function recordingConsole(): { console: Pick<Console, "log">; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    console: {
      log: (...parts: unknown[]) =>
        lines.push(parts.map((part) => (typeof part === "string" ? part : typeof part === "object" ? "[object]" : String(part))).join(" ")),
    },
  };
}
