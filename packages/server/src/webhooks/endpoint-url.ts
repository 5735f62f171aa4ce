/**
 * What URL an endpoint may have: absolute http or https, no user name or
 * password in it (a credential in a URL ends up in logs and lists; the
 * signature is how a receiver knows it is Parley), no fragment.
 * @module
 */

/** The URL as it will be called, or undefined when it is refused. */
export function normaliseWebhookUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username !== "" || url.password !== "" || url.hash !== "" || url.hostname === "") return undefined;
  return url.toString();
}
