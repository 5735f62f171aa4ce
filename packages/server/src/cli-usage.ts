/** A failure of a `parley` command to report as one line and exit 1, without a stack trace. @module */
export class UsageError extends Error {}
