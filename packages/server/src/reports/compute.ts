/**
 * Turns the chats of a range into a report's rows: counts, nearest-rank
 * medians and 90th percentiles, and survey averages, per day, queue or agent.
 * Pure: the definitions of every number live here (and in docs/console.md).
 * @module
 */
import type { Report, ReportGrouping, ReportRow } from "@parley/protocol";
import type { ReportChat } from "../store/report-queries.js";
import { localDay, type ReportRange } from "./range.js";

/** The label of the agent row of chats no agent answered. */
export const NO_AGENT_LABEL = "No agent";

/** The nearest-rank percentile `p` (0 < p ≤ 1) of ascending values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const ms = (iso: string): number => Date.parse(iso);

/** Seconds from `a` to `b`, never negative (clocks of different nodes may disagree by a little). */
function seconds(a: string, b: string): number {
  return Math.max(0, ms(b) - ms(a)) / 1000;
}

/** Whether no agent ever joined and the chat ended or its customer left. */
export function isMissed(chat: ReportChat): boolean {
  return chat.firstAgentJoinAt === null && (chat.endedAt !== null || chat.customerLeftAt !== null);
}

/** The first-response time: from the customer's first message, or the chat's start when the agent spoke first. */
function firstResponse(chat: ReportChat): number | null {
  if (chat.firstAgentMessageAt === null) return null;
  const customer = chat.firstCustomerMessageAt;
  const from = customer !== null && customer <= chat.firstAgentMessageAt ? customer : chat.createdAt;
  return seconds(from, chat.firstAgentMessageAt);
}

/** A group's chats, and the ratings it is credited with (by agent, the rated agent's; else its chats'). */
interface Group {
  chats: ReportChat[];
  ratings: number[];
}

const ascending = (values: number[]): number[] => values.sort((a, b) => a - b);

/** One row's numbers from its group. */
export function rowOf(key: string, label: string, group: Group): ReportRow {
  const answered = group.chats.filter((chat) => chat.firstAgentJoinAt !== null);
  const waits = ascending(answered.map((chat) => seconds(chat.waitFrom, chat.firstAgentJoinAt!)));
  const handles = ascending(answered.filter((chat) => chat.endedAt !== null).map((chat) => seconds(chat.firstAgentJoinAt!, chat.endedAt!)));
  const responses = ascending(group.chats.map(firstResponse).filter((value): value is number => value !== null));
  const sum = group.ratings.reduce((total, rating) => total + rating, 0);
  return {
    key,
    label,
    started: group.chats.length,
    answered: answered.length,
    missed: group.chats.filter(isMissed).length,
    transferred: group.chats.filter((chat) => chat.transfers > 0).length,
    waitMedianSeconds: percentile(waits, 0.5),
    waitP90Seconds: percentile(waits, 0.9),
    handleMedianSeconds: percentile(handles, 0.5),
    firstResponseMedianSeconds: percentile(responses, 0.5),
    satisfactionAverage: group.ratings.length === 0 ? null : Math.round((sum / group.ratings.length) * 100) / 100,
    satisfactionCount: group.ratings.length,
  };
}

/** The key a chat counts under, in a grouping. */
function keyOf(chat: ReportChat, by: ReportGrouping, timeZone: string): string {
  if (by === "day") return localDay(chat.createdAt, timeZone);
  if (by === "queue") return chat.queue;
  return chat.firstAgentId ?? "";
}

/**
 * The report of the range's chats. By day every day of the range has a row;
 * by queue and agent, every key that has chats (or, by agent, ratings).
 * `agentNames` labels agents by id (an unknown id is its own label).
 */
export function computeReport(range: ReportRange, by: ReportGrouping, chats: readonly ReportChat[], agentNames: ReadonlyMap<string, string>): Report {
  const groups = new Map<string, Group>();
  const groupOf = (key: string): Group => {
    let group = groups.get(key);
    if (group === undefined) {
      group = { chats: [], ratings: [] };
      groups.set(key, group);
    }
    return group;
  };
  if (by === "day") for (const day of range.days) groupOf(day);
  for (const chat of chats) {
    const key = keyOf(chat, by, range.timeZone);
    groupOf(key).chats.push(chat);
    // A survey rates the agent it names (the last to join), who need not be the one who answered.
    if (chat.rating !== null) groupOf(by === "agent" ? (chat.ratedAgentId ?? "") : key).ratings.push(chat.rating);
  }
  const label = (key: string): string => (by !== "agent" ? key : key === "" ? NO_AGENT_LABEL : (agentNames.get(key) ?? key));
  const keys = by === "day" ? range.days : [...groups.keys()].sort();
  const ratings = chats.flatMap((chat) => (chat.rating === null ? [] : [chat.rating]));
  return {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    groupBy: by,
    rows: keys.map((key) => rowOf(key, label(key), groups.get(key)!)),
    total: rowOf("total", "total", { chats: [...chats], ratings }),
  };
}
