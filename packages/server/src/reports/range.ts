/**
 * A report's range: days `from` to `to` (both included) counted in a time
 * zone, turned into the UTC instants the store compares, and the local day
 * each chat falls on.
 * @module
 */
import { MAX_REPORT_DAYS } from "@parley/protocol";
import { ParleyError } from "../errors.js";
import { isTimeZone, wallClock } from "../front-door/hours.js";

/** A checked range: its days and the UTC instants `[start, end)` they cover. */
export interface ReportRange {
  from: string;
  to: string;
  timeZone: string;
  /** Every day of the range, in order. */
  days: string[];
  /** The first day's local midnight, ISO (UTC). */
  start: string;
  /** The local midnight after the last day, ISO (UTC). */
  end: string;
}

const DAY_MS = 24 * 3600 * 1000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch milliseconds of the day's UTC midnight, or undefined when it is not a real `YYYY-MM-DD` day. */
function utcMidnight(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day);
  if (match === null) return undefined;
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over to March: a real day reads back the same.
  return new Date(at).toISOString().slice(0, 10) === day ? at : undefined;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in milliseconds (whole minutes). */
function offsetAt(at: number, timeZone: string): number {
  const clock = wallClock(new Date(at), timeZone);
  const wall = (utcMidnight(clock.date) ?? 0) + clock.minute * 60_000;
  return wall - Math.floor(at / 60_000) * 60_000;
}

/** The instant the day starts in the zone (its first wall-clock minute, should midnight be skipped by a clock change). */
export function localMidnight(day: string, timeZone: string): number {
  const midnight = utcMidnight(day) ?? Number.NaN;
  const first = midnight - offsetAt(midnight, timeZone);
  // The offset at the guess can differ from the one at the answer across a clock change: settle on the answer's.
  const settled = midnight - offsetAt(first, timeZone);
  return wallClock(new Date(settled), timeZone).date === day ? settled : first;
}

/** The day (`YYYY-MM-DD`) an instant falls on in the zone. */
export function localDay(iso: string, timeZone: string): string {
  return wallClock(new Date(iso), timeZone).date;
}

/** Checks the caller's days and zone; a coded error for a bad one (`REPORT_RANGE_INVALID`, `TIME_ZONE_INVALID`). */
export function reportRange(from: string, to: string, asked = "UTC"): ReportRange {
  if (!isTimeZone(asked)) throw new ParleyError("TIME_ZONE_INVALID", undefined, { tz: asked });
  // The zone's canonical name: `europe/PARIS` and its other spellings share one cached formatter.
  const timeZone = new Intl.DateTimeFormat("en-US", { timeZone: asked }).resolvedOptions().timeZone;
  const first = utcMidnight(from);
  const last = utcMidnight(to);
  if (first === undefined || last === undefined) throw new ParleyError("REPORT_RANGE_INVALID", undefined, { reason: "format" });
  if (first > last) throw new ParleyError("REPORT_RANGE_INVALID", "from is after to.", { reason: "order" });
  const count = Math.round((last - first) / DAY_MS) + 1;
  if (count > MAX_REPORT_DAYS) {
    throw new ParleyError("REPORT_RANGE_INVALID", `A report covers at most ${MAX_REPORT_DAYS} days.`, { reason: "length", maxDays: MAX_REPORT_DAYS });
  }
  const days = Array.from({ length: count }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  const after = new Date(last + DAY_MS).toISOString().slice(0, 10);
  return {
    from,
    to,
    timeZone,
    days,
    start: new Date(localMidnight(from, timeZone)).toISOString(),
    end: new Date(localMidnight(after, timeZone)).toISOString(),
  };
}
