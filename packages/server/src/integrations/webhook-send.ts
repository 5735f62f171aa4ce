/**
 * One HTTP attempt at a webhook delivery: a signed POST, 5 s to answer,
 * redirects not followed (a 3xx is a failure: an endpoint that moved is
 * updated by its admin, never followed to wherever it points), and only the
 * answer's status read (its body is dropped unread).
 *
 * With private addresses denied (`PARLEY_WEBHOOK_PRIVATE=deny`), the host is
 * resolved for every attempt and the connection made to the address checked,
 * never to one resolved again later: a name that resolves to a public address
 * at registration and to an internal one at delivery (DNS rebinding) fails
 * the attempt, with the reason recorded.
 * @module
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress } from "../webhooks/private-address.js";
import { signedHeaders } from "../webhooks/signature.js";

/** How long an endpoint has to answer (headers) before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Whether webhooks may be sent to private, loopback and link-local addresses (`PARLEY_WEBHOOK_PRIVATE`). */
export type PrivateAddresses = "allow" | "deny";

/** What one attempt got. */
export type AttemptResult = { ok: true; code: number } | { ok: false; code: number | null; error: string };

export interface SendOptions {
  timeoutMs?: number;
  privateAddresses?: PrivateAddresses;
}

/** A host refused because it is, or resolves to, an address that is not public. */
export class PrivateAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(host === address ? `refused: ${address} is a private address (PARLEY_WEBHOOK_PRIVATE=deny)` : `refused: ${host} resolves to the private address ${address} (PARLEY_WEBHOOK_PRIVATE=deny)`);
  }
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** Every address a host resolves to (an IP address: itself). */
export async function resolveHost(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))));
  return addresses.map((entry) => entry.address);
}

/** The first address of `host` that is not public, if any. */
export async function privateAddressOf(host: string): Promise<string | undefined> {
  return (await resolveHost(host)).find(isPrivateAddress);
}

/** A `lookup` for the connection that refuses a host resolving to any address that is not public. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOneOptions), all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused !== undefined) return callback(new PrivateAddressError(hostname, refused.address) as NodeJS.ErrnoException, "", 0);
    if ((options as { all?: boolean }).all === true) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  });
};

/** POSTs `body` to `url`, signed with `secret`. Never throws. */
export function sendWebhook(url: string, secret: string, eventId: string, body: string, options: SendOptions = {}): Promise<AttemptResult> {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const deny = options.privateAddresses === "deny";
  return new Promise<AttemptResult>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, code: null, error: "invalid URL" });
      return;
    }
    const host = hostOf(target);
    // An address in the URL is never looked up: checked here.
    if (deny && isPrivateAddress(host)) {
      resolve({ ok: false, code: null, error: new PrivateAddressError(host, host).message });
      return;
    }
    const payload = Buffer.from(body, "utf8");
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      target,
      {
        method: "POST",
        headers: { ...signedHeaders(secret, eventId, body), "content-length": String(payload.length) },
        ...(deny ? { lookup: guardedLookup } : {}),
        // A connection per attempt: no socket outlives the attempt, and a guarded lookup is never skipped by reuse.
        agent: false,
      },
      (response: IncomingMessage) => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        // The answer's body is not ours to read: the connection is dropped without downloading it.
        response.destroy();
        if (status >= 200 && status < 300) resolve({ ok: true, code: status });
        else {
          const error = status >= 300 && status < 400 ? `redirect (not followed) to ${response.headers.location ?? "nowhere"}` : `answered ${status}`;
          resolve({ ok: false, code: status, error: error.slice(0, 300) });
        }
      },
    );
    const timer = setTimeout(() => request.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, code: null, error: describe(error) });
    });
    request.end(payload);
  });
}

class TimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

function describe(error: unknown): string {
  if (error instanceof TimeoutError || error instanceof PrivateAddressError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return `connection failed: ${code}`;
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
