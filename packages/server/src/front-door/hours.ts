/**
 * Business hours: whether a queue is open at an instant, in the queue's own
 * time zone, and whether hours an admin sends make sense before they are kept.
 * @module
 */
import type { AvailabilityReason, BusinessHours } from "@parley/protocol";
import { ParleyError } from "../errors.js";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Formatters by zone: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    // Zones are validated before they are stored, so the map holds a few hundred at most.
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows the IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `at` in the zone: the date, the weekday (0 = Sunday) and the minute of the day. */
export function wallClock(at: Date, timeZone: string): { date: string; day: number; minute: number } {
  const parts = formatterOf(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    day: WEEKDAYS.indexOf(part("weekday")),
    minute: Number(part("hour")) * 60 + Number(part("minute")),
  };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the hours are open at `at`: undefined hours are always open; a holiday closes the whole day. */
export function openingAt(hours: BusinessHours | undefined, at: Date): { open: boolean; reason: AvailabilityReason } {
  if (hours === undefined) return { open: true, reason: "open" };
  const clock = wallClock(at, hours.timeZone);
  if (hours.holidays.includes(clock.date)) return { open: false, reason: "holiday" };
  const open = hours.weekly.some((interval) => interval.day === clock.day && minutesOf(interval.open) <= clock.minute && clock.minute < minutesOf(interval.close));
  return open ? { open: true, reason: "open" } : { open: false, reason: "outsideHours" };
}

/** Refuses hours with `HOURS_INVALID` (the schema checked their shape): an unknown zone, an empty interval, an impossible date. */
export function checkHours(hours: BusinessHours): void {
  if (!isTimeZone(hours.timeZone)) throw new ParleyError("HOURS_INVALID", `Unknown time zone ${hours.timeZone}.`, { path: "/timeZone" });
  hours.weekly.forEach((interval, i) => {
    if (minutesOf(interval.close) <= minutesOf(interval.open)) {
      throw new ParleyError("HOURS_INVALID", "An interval closes before it opens.", { path: `/weekly/${i}` });
    }
  });
  hours.holidays.forEach((date, i) => {
    const parsed = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      throw new ParleyError("HOURS_INVALID", `${date} is not a date.`, { path: `/holidays/${i}` });
    }
  });
}
