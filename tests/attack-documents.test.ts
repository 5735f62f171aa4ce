/**
 * Attack: documents whose judging costs far more than their size. A .docx of
 * under 1 KiB whose `[Content_Types].xml` inflates to 64 KiB of crafted
 * attribute text took a backtracking pattern seconds of event-loop time per
 * upload, stalling every chat on the node. Uploads run beside a normal
 * customer–agent exchange, which must stay fast while they are refused.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectUnharmed, measureDuringAttack, openExchange } from "./support/attack.js";
import { docxWithHostileContentTypes } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { startCustomer, uploadFile } from "./support/uploads.js";

let server: InProcessServer;
let agentToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"]));
  agentToken = tokens.alice!;
});

afterAll(async () => {
  await server.close();
});

it(
  "a .docx under 1 KiB with hostile content types is refused without stalling the chats beside it",
  async () => {
    const file = docxWithHostileContentTypes();
    expect(file.length).toBeLessThan(1024);
    const exchange = await openExchange(server.url, agentToken);
    const attacker = await startCustomer(server.url);
    const answers: string[] = [];
    try {
      const effect = await measureDuringAttack(exchange, () =>
        Promise.all(
          Array.from({ length: 3 }, async () => {
            answers.push((await uploadFile(server.url, attacker, file, { messageType: "DOCUMENT", fileName: "report.docx" })).code);
          }),
        ),
      );
      // Generous bounds: unprotected, each upload held the event loop for seconds.
      expectUnharmed(effect, { roundTripMs: 1_500, loopHoldMs: 500 });
      expect(answers).toEqual(["MEDIA_TYPE_NOT_ALLOWED", "MEDIA_TYPE_NOT_ALLOWED", "MEDIA_TYPE_NOT_ALLOWED"]);
    } finally {
      await exchange.close();
    }
  },
  180_000,
);
