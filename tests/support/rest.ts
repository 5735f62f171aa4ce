/** One REST call to a test server, answered as its status and JSON body (`{}` when the body is not JSON). @module */

export interface RestAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function rest(baseUrl: string, method: string, route: string, options: { token?: string; body?: unknown } = {}): Promise<RestAnswer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

/** The error code of a refused call. */
export const errorCode = (answer: RestAnswer): string | undefined => (answer.body.error as { code?: string } | undefined)?.code;
