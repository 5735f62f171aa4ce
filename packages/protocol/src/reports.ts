/**
 * Reports (`GET /v1/reports`): chats started, answered, missed and
 * transferred, wait, handle and first-response times, and satisfaction, per
 * day, queue or agent, computed from the stored chats (see `docs/rest.md`
 * and `docs/console.md` for the definitions).
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/** The longest range one report covers, in days (both ends included). */
export const MAX_REPORT_DAYS = 92;

/** What a report's rows are: one per day, per queue, or per agent. */
export type ReportGrouping = "day" | "queue" | "agent";

/** The groupings, for validation. */
export const REPORT_GROUPINGS: readonly ReportGrouping[] = ["day", "queue", "agent"];

/** `GET /v1/reports` (and `GET /v1/reports.csv`) query. */
export const ReportQuery = Type.Object(
  {
    /** First day, `YYYY-MM-DD`, in `tz`. */
    from: Type.String({ maxLength: 10 }),
    /** Last day (included), `YYYY-MM-DD`, in `tz`. */
    to: Type.String({ maxLength: 10 }),
    /** `day` (the default), `queue` or `agent`. */
    groupBy: Type.Optional(Type.Union([Type.Literal("day"), Type.Literal("queue"), Type.Literal("agent")])),
    /** IANA time zone the days are counted in; `UTC` when absent. */
    tz: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

const Seconds = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);

/** One row of a report: the numbers of the chats of one day, queue or agent. */
export const ReportRow = Type.Object({
  /** The day (`YYYY-MM-DD`), the queue's name, or the agent's id (`""`: chats no agent answered). */
  key: Type.String(),
  /** What to show for the key: the day, the queue, or the agent's nickname (`No agent` for `""`). */
  label: Type.String(),
  /** Chats whose customer started them in the range. */
  started: Type.Integer({ minimum: 0 }),
  /** Of those, chats an agent joined. */
  answered: Type.Integer({ minimum: 0 }),
  /** Of those, chats that ended, or that the customer left, before any agent joined. */
  missed: Type.Integer({ minimum: 0 }),
  /** Of those, chats transferred at least once (to an agent or a queue). */
  transferred: Type.Integer({ minimum: 0 }),
  /** Median wait of the answered chats: the customer's first wait to the first agent's join, seconds. */
  waitMedianSeconds: Seconds,
  /** 90th percentile of the same waits (nearest rank), seconds. */
  waitP90Seconds: Seconds,
  /** Median handle time of the answered and ended chats: the first agent's join to the end, seconds. */
  handleMedianSeconds: Seconds,
  /** Median first-response time: the customer's first message (or the chat's start) to the first agent message, seconds. */
  firstResponseMedianSeconds: Seconds,
  /** Average survey rating of these chats (of the rated agent's, by agent), two decimals; null without surveys. */
  satisfactionAverage: Type.Union([Type.Number(), Type.Null()]),
  /** How many surveys the average is of. */
  satisfactionCount: Type.Integer({ minimum: 0 }),
});
export type ReportRow = Static<typeof ReportRow>;

/** Answer to `GET /v1/reports`. */
export const Report = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  groupBy: Type.Union([Type.Literal("day"), Type.Literal("queue"), Type.Literal("agent")]),
  /** By day: every day of the range in order, empty days included; by queue or agent: those with chats, by key. */
  rows: Type.Array(ReportRow),
  /** The whole range's numbers (its key and label are `total`). */
  total: ReportRow,
});
export type Report = Static<typeof Report>;
