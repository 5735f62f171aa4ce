/**
 * `[Content_Types].xml` of an Office Open XML package, read by a hand-written
 * scanner. The file is a flat list of empty `Default` and `Override` elements;
 * a full XML parser would add nothing but attack surface, and a regular
 * expression over hostile text can backtrack: one whose cost grew with the
 * square of an attribute's length let a 1 KiB upload hold the event loop for
 * seconds. The scanner looks at each character a bounded number of times, so
 * its cost is linear in the text, whatever the text holds.
 * @module
 */

/** Content types declared in `[Content_Types].xml`: defaults by extension and overrides by part name. */
export interface ContentTypes {
  /** Lower-cased extension → lower-cased content type. */
  defaults: Map<string, string>;
  /** Lower-cased part name, without its leading `/` → lower-cased content type. */
  overrides: Map<string, string>;
}

/** Characters of an element or attribute name as Office writes them (`\w`, `.`, `-`, and `:` for a prefix). */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x2d || // -
    code === 0x3a // :
  );
}

/** XML white space: space, tab, carriage return, line feed. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

/**
 * The attributes of one tag's text (what lies between its name and `>`).
 * Every step moves forward, so the scan is linear in the text; anything that
 * is not `name="value"` or `name='value'` is skipped.
 */
function attributesOf(tag: string, from: number): Map<string, string> {
  const attributes = new Map<string, string>();
  let i = from;
  while (i < tag.length) {
    if (!isNameChar(tag.charCodeAt(i))) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < tag.length && isNameChar(tag.charCodeAt(i))) i++;
    const name = tag.slice(nameStart, i);
    while (i < tag.length && isSpace(tag.charCodeAt(i))) i++;
    if (tag[i] !== "=") continue;
    i++;
    while (i < tag.length && isSpace(tag.charCodeAt(i))) i++;
    const quote = tag[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = tag.indexOf(quote, i + 1);
    // An unclosed quote runs to the end of the tag: nothing after it can be an attribute.
    if (close < 0) break;
    attributes.set(name, tag.slice(i + 1, close).trim());
    i = close + 1;
  }
  return attributes;
}

/** The local name of a tag (after any `prefix:`), and where its name ends. */
function elementOf(tag: string): { localName: string; end: number } {
  let end = 0;
  while (end < tag.length && isNameChar(tag.charCodeAt(end))) end++;
  const name = tag.slice(0, end);
  return { localName: name.slice(name.lastIndexOf(":") + 1), end };
}

/**
 * Reads the `Default` (by `Extension`) and `Override` (by `PartName`) elements
 * of `[Content_Types].xml`, in any namespace prefix. Elements without a
 * `ContentType`, and anything else in the file, are ignored.
 */
export function parseContentTypes(xml: string): ContentTypes {
  const types: ContentTypes = { defaults: new Map(), overrides: new Map() };
  let i = 0;
  for (;;) {
    const open = xml.indexOf("<", i);
    if (open < 0) break;
    const close = xml.indexOf(">", open + 1);
    // No `>` after this `<` means no complete tag anywhere after it either.
    if (close < 0) break;
    // Whatever lies between `<` and the next `>` is one tag, as the former pattern read it; the scan resumes after it.
    const tag = xml.slice(open + 1, close);
    i = close + 1;
    const { localName, end } = elementOf(tag);
    if (localName !== "Default" && localName !== "Override") continue;
    const attributes = attributesOf(tag, end);
    const contentType = attributes.get("ContentType")?.toLowerCase();
    if (contentType === undefined) continue;
    if (localName === "Default") {
      const extension = attributes.get("Extension");
      if (extension !== undefined) types.defaults.set(extension.toLowerCase(), contentType);
    } else {
      const partName = attributes.get("PartName");
      if (partName !== undefined) types.overrides.set((partName.startsWith("/") ? partName.slice(1) : partName).toLowerCase(), contentType);
    }
  }
  return types;
}
