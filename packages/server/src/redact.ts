/**
 * Credentials out of logs: tokens and API keys travel in query strings
 * (`?ctlivetoken=`), headers and bodies, and signed media links carry their
 * signature in the query. Everything the logger writes passes through these.
 * @module
 */

/** Query parameters that open something: never written to a log. */
const CREDENTIAL_PARAMS = new Set(["ctlivetoken", "token", "access_token", "signature", "password", "secret"]);

const CENSOR = "[redacted]";

/** The path of a request URL, without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** A request URL with every credential parameter's value replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf("?");
  if (query === -1) return url;
  const params = url
    .slice(query + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = decodeURIComponentSafe(equals === -1 ? pair : pair.slice(0, equals)).toLowerCase();
      return CREDENTIAL_PARAMS.has(name) ? `${pair.slice(0, equals === -1 ? pair.length : equals)}=${CENSOR}` : pair;
    });
  return `${url.slice(0, query)}?${params.join("&")}`;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// A credential parameter in any text (an error message quoting a URL), a Bearer token, a bare JWT, an API key
// (`pk_<tenant>_<secret>`, wherever it appears: a path, a message).
const IN_TEXT = [
  /((?:ctlivetoken|token|access_token|signature|password|secret)=)[^&\s"'#]+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /()\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  /()\bpk_[a-z0-9-]{1,63}_[A-Za-z0-9_-]{8,}/g,
];

/** Any text with the credentials it quotes replaced. */
export function redactText(text: string): string {
  let redacted = text;
  for (const pattern of IN_TEXT) redacted = redacted.replace(pattern, `$1${CENSOR}`);
  return redacted;
}
