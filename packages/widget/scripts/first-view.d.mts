/** The budget of the first view, gzipped (docs/widget.md). */
export const FIRST_VIEW_BUDGET_BYTES: number;
/** The first view's files (relative to dist) and their gzipped sizes, and their total. */
export function firstView(distUrl: URL): { files: Map<string, number>; total: number };
