/**
 * A waiting chat's estimated wait, from its queue's recent assignments: the
 * rate at which the queue's chats were recently taken, applied to the chat's
 * position. Too little history says nothing (null) rather than guess.
 * @module
 */

/** Fewest recent assignments an estimate is made from. */
const MIN_HISTORY = 3;

/**
 * @param assignedAt the queue's most recent assignments' times (ISO 8601), newest first
 * @param position the chat's place in the queue (1: next)
 * @returns seconds, or null with too little history
 */
export function etaSeconds(assignedAt: readonly string[], position: number): number | null {
  if (assignedAt.length < MIN_HISTORY) return null;
  const newest = Date.parse(assignedAt[0] ?? "");
  const oldest = Date.parse(assignedAt[assignedAt.length - 1] ?? "");
  const spanSeconds = (newest - oldest) / 1000;
  if (!Number.isFinite(spanSeconds) || spanSeconds <= 0) return null;
  const perSecond = (assignedAt.length - 1) / spanSeconds;
  return Math.ceil(position / perSecond);
}
