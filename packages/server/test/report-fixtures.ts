/**
 * A dated history of chats made straight in a store, through its own append
 * APIs, with the report it must give worked out by hand (the expected rows
 * below are the definitions applied on paper, not the code's output).
 *
 * Days are counted in Europe/Paris (UTC+1 in November). Chats (UTC):
 * - C1 default 11-02 08:00: customer writes 08:00:10, Alice joins 08:01 (wait 60), answers 08:01:30
 *   (first response 80), ends 08:11 (handle 600); rated 5 for Alice.
 * - C2 default 11-02 09:00: customer writes 09:00:05, Alice joins 09:02 (wait 120), answers 09:02:05
 *   (120), transfers to Bob 09:05, ends 09:22 (handle 1200); rated 3 for Bob (the last to join).
 * - C3 sales 11-02 10:00: nobody joins, the customer ends it 10:03: missed.
 * - C4 sales 11-02 23:30 (11-03 00:30 in Paris): Bob joins 23:35 (wait 300) and greets 23:35:10 before
 *   the customer writes (first response 310, from the start); still open (no handle time).
 * - C5 default 11-03 12:00: still waiting (neither answered nor missed).
 * - C6 default 11-03 13:00: nobody joins, the customer leaves 13:04: missed.
 * - C7 default 11-03 14:00: customer writes 14:00:10, Alice joins 14:00:30 (wait 30), answers 14:00:40
 *   (30), ends 14:05:30 (handle 300); rated 4 for Alice.
 * - Outside the Paris range: 11-01 22:59:59 (11-01 in Paris) and 11-03 23:00 (11-04 in Paris, a waiting
 *   chat, inside a UTC range); and a chat of another tenant.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { ReportRow } from "@parley/protocol";
import type { AppendRequest, Store, TenantStore } from "../src/store/types.js";
import { tenantWithRetention } from "./lifecycle-fixtures.js";
import { participant, stub } from "./store-fixtures.js";

export const ALICE = { id: "USER_00000000-0000-4000-8000-00000000000a", username: "alice-r", nickname: "Alice" };
export const BOB = { id: "USER_00000000-0000-4000-8000-00000000000b", username: "bob-r", nickname: "Bob" };

/** The range and zone the expected rows are for. */
export const REPORT_RANGE = { from: "2026-11-02", to: "2026-11-03", tz: "Europe/Paris" } as const;

const at = (day: string, time: string) => `2026-11-${day}T${time}.000Z`;

type Person = { id: string; nickname: string };

class ChatBuilder {
  readonly customer: Person;
  constructor(
    private readonly tenant: TenantStore,
    readonly chatId: string,
  ) {
    this.customer = { id: `USER_${randomUUID()}`, nickname: "Dana" };
  }

  private append(request: Omit<AppendRequest, "chatId" | "id"> & { id?: string }): Promise<unknown> {
    return this.tenant.append({ ...request, id: request.id ?? `EVT_${randomUUID()}`, chatId: this.chatId } as AppendRequest);
  }

  says(who: Person, ts: string, isAgent: boolean): Promise<unknown> {
    const id = `MSG_${randomUUID()}`;
    const user = { id: who.id, nickname: who.nickname, isAgent };
    return this.append({ id, name: "message", userId: who.id, ts, data: stub({ id, chatId: this.chatId, messageType: "TEXT", content: { text: "hi", user }, ts }) });
  }

  joins(agent: Person, ts: string): Promise<unknown> {
    const record = { ...participant(agent.id, true), nickname: agent.nickname, joinedAt: ts };
    return this.append({ name: "userAdded", userId: agent.id, ts, change: { kind: "participantJoined", participant: record }, data: stub({ chatId: this.chatId, ts }) });
  }

  leaves(who: Person, ts: string): Promise<unknown> {
    return this.append({ name: "userLeft", userId: who.id, ts, change: { kind: "participantLeft", userId: who.id, at: ts }, data: stub({ chatId: this.chatId, ts }) });
  }

  transfers(by: Person, ts: string): Promise<unknown> {
    return this.append({ name: "contactTransferred", userId: by.id, ts, data: stub({ chatId: this.chatId, to: "agent", queue: null, ts }) });
  }

  ends(by: Person, ts: string): Promise<unknown> {
    return this.append({ name: "contactEnded", userId: by.id, ts, change: { kind: "contactEnded", at: ts }, data: stub({ chatId: this.chatId, reason: "endedByParticipant", ts }) });
  }

  rated(rating: number, agentId: string, queue: string, submittedAt: string): Promise<boolean> {
    return this.tenant.insertSurvey({ chatId: this.chatId, queue, agentId, rating, comment: null, answers: {}, submittedAt });
  }
}

async function chat(tenant: TenantStore, createdAt: string, queue: string): Promise<ChatBuilder> {
  const builder = new ChatBuilder(tenant, `CHAT_${randomUUID()}`);
  const { id, nickname } = builder.customer;
  await tenant.createContact({
    contact: { id: builder.chatId, createdAt, customerUserId: id, nickname, email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: "203.0.113.9", queue },
    customer: { ...participant(id), nickname, joinedAt: createdAt },
    firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: id, ts: createdAt, data: stub({ chatId: builder.chatId, ts: createdAt }) },
  });
  return builder;
}

/** Seeds the history into the store's `default` tenant (and one chat into `acme`, made if missing). */
export async function seedReportHistory(store: Store): Promise<void> {
  const tenant = store.tenant("default");
  for (const agent of [ALICE, BOB]) {
    await tenant.createAgent({ ...agent, passwordHash: "not-a-login", createdAt: at("01", "00:00:00") });
  }
  const c1 = await chat(tenant, at("02", "08:00:00"), "default");
  await c1.says(c1.customer, at("02", "08:00:10"), false);
  await c1.joins(ALICE, at("02", "08:01:00"));
  await c1.says(ALICE, at("02", "08:01:30"), true);
  await c1.says(c1.customer, at("02", "08:02:00"), false);
  await c1.ends(ALICE, at("02", "08:11:00"));
  await c1.rated(5, ALICE.id, "default", at("02", "08:12:00"));

  const c2 = await chat(tenant, at("02", "09:00:00"), "default");
  await c2.says(c2.customer, at("02", "09:00:05"), false);
  await c2.joins(ALICE, at("02", "09:02:00"));
  await c2.says(ALICE, at("02", "09:02:05"), true);
  await c2.transfers(ALICE, at("02", "09:05:00"));
  await c2.joins(BOB, at("02", "09:05:01"));
  await c2.leaves(ALICE, at("02", "09:05:02"));
  await c2.says(BOB, at("02", "09:06:00"), true);
  await c2.ends(c2.customer, at("02", "09:22:00"));
  await c2.rated(3, BOB.id, "default", at("02", "09:23:00"));

  const c3 = await chat(tenant, at("02", "10:00:00"), "sales");
  await c3.says(c3.customer, at("02", "10:00:30"), false);
  await c3.ends(c3.customer, at("02", "10:03:00"));

  const c4 = await chat(tenant, at("02", "23:30:00"), "sales");
  await c4.joins(BOB, at("02", "23:35:00"));
  await c4.says(BOB, at("02", "23:35:10"), true);
  await c4.says(c4.customer, at("02", "23:36:00"), false);

  await chat(tenant, at("03", "12:00:00"), "default");

  const c6 = await chat(tenant, at("03", "13:00:00"), "default");
  await c6.leaves(c6.customer, at("03", "13:04:00"));

  const c7 = await chat(tenant, at("03", "14:00:00"), "default");
  await c7.says(c7.customer, at("03", "14:00:10"), false);
  await c7.joins(ALICE, at("03", "14:00:30"));
  await c7.says(ALICE, at("03", "14:00:40"), true);
  await c7.ends(ALICE, at("03", "14:05:30"));
  await c7.rated(4, ALICE.id, "default", at("03", "14:06:00"));

  // Outside the Paris range.
  const before = await chat(tenant, at("01", "22:59:59"), "default");
  await before.joins(ALICE, at("01", "23:00:00"));
  await chat(tenant, at("03", "23:00:00"), "default");

  // Another tenant's chat inside the range counts for nobody here.
  const other = await chat(await tenantWithRetention(store, "acme", null), at("02", "12:00:00"), "default");
  await other.ends(other.customer, at("02", "12:01:00"));
}

type Numbers = Omit<ReportRow, "key" | "label">;

const row = (key: string, label: string, numbers: Numbers): ReportRow => ({ key, label, ...numbers });

const empty: Numbers = {
  started: 0,
  answered: 0,
  missed: 0,
  transferred: 0,
  waitMedianSeconds: null,
  waitP90Seconds: null,
  handleMedianSeconds: null,
  firstResponseMedianSeconds: null,
  satisfactionAverage: null,
  satisfactionCount: 0,
};

/** The whole range (the total row of every grouping). */
export const EXPECTED_TOTAL = row("total", "total", {
  started: 7,
  answered: 4,
  missed: 2,
  transferred: 1,
  // Waits 30, 60, 120, 300: the median is the 2nd (nearest rank), the 90th percentile the 4th.
  waitMedianSeconds: 60,
  waitP90Seconds: 300,
  // Handles 300, 600, 1200.
  handleMedianSeconds: 600,
  // First responses 30, 80, 120, 310.
  firstResponseMedianSeconds: 80,
  satisfactionAverage: 4,
  satisfactionCount: 3,
});

/** Rows by day in Europe/Paris. */
export const EXPECTED_BY_DAY: ReportRow[] = [
  row("2026-11-02", "2026-11-02", {
    started: 3,
    answered: 2,
    missed: 1,
    transferred: 1,
    waitMedianSeconds: 60,
    waitP90Seconds: 120,
    handleMedianSeconds: 600,
    firstResponseMedianSeconds: 80,
    satisfactionAverage: 4,
    satisfactionCount: 2,
  }),
  row("2026-11-03", "2026-11-03", {
    started: 4,
    answered: 2,
    missed: 1,
    transferred: 0,
    waitMedianSeconds: 30,
    waitP90Seconds: 300,
    handleMedianSeconds: 300,
    firstResponseMedianSeconds: 30,
    satisfactionAverage: 4,
    satisfactionCount: 1,
  }),
];

/** Rows by queue. */
export const EXPECTED_BY_QUEUE: ReportRow[] = [
  row("default", "default", {
    started: 5,
    answered: 3,
    missed: 1,
    transferred: 1,
    waitMedianSeconds: 60,
    waitP90Seconds: 120,
    handleMedianSeconds: 600,
    firstResponseMedianSeconds: 80,
    satisfactionAverage: 4,
    satisfactionCount: 3,
  }),
  row("sales", "sales", {
    ...empty,
    started: 2,
    answered: 1,
    missed: 1,
    waitMedianSeconds: 300,
    waitP90Seconds: 300,
    firstResponseMedianSeconds: 310,
  }),
];

/** Rows by agent: the agent who answered first; satisfaction by the agent each survey rates. */
export const EXPECTED_BY_AGENT: ReportRow[] = [
  row("", "No agent", { ...empty, started: 3, missed: 2 }),
  row(ALICE.id, "Alice", {
    started: 3,
    answered: 3,
    missed: 0,
    transferred: 1,
    waitMedianSeconds: 60,
    waitP90Seconds: 120,
    handleMedianSeconds: 600,
    firstResponseMedianSeconds: 80,
    satisfactionAverage: 4.5,
    satisfactionCount: 2,
  }),
  row(BOB.id, "Bob", {
    ...empty,
    started: 1,
    answered: 1,
    waitMedianSeconds: 300,
    waitP90Seconds: 300,
    firstResponseMedianSeconds: 310,
    satisfactionAverage: 3,
    satisfactionCount: 1,
  }),
];
