/**
 * A user agent string in a few words for the agent ("Firefox 121 on
 * Windows"): the browser and its major version, and the system. A guess from
 * well-known tokens — the full string stays available beside it.
 */

/** Browsers by the token that names them, most specific first (Edge and Opera also say Chrome, Chrome also says Safari). */
const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/(?:OPR|Opera)\/(\d+)/, "Opera"],
  [/SamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/(?:Firefox|FxiOS)\/(\d+)/, "Firefox"],
  [/(?:Chrome|CriOS|Chromium)\/(\d+)/, "Chrome"],
  [/Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, "Safari"],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/Windows/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome 120 on Linux"; what is not recognised is left out; null for no user agent. */
export function browserSummary(userAgent: string | null): string | null {
  if (userAgent === null || userAgent.trim() === "") return null;
  let browser: string | undefined;
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match !== null) {
      browser = `${name} ${match[1] ?? ""}`.trim();
      break;
    }
  }
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser === undefined && system === undefined) return "Unknown browser";
  if (browser === undefined) return `A browser on ${system}`;
  return system === undefined ? browser : `${browser} on ${system}`;
}
