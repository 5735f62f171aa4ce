/** Unit tests of the pieces media downloads and uploads stand on: spooling, signed links, Content-Disposition. */
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { ParleyError } from "../src/errors.js";
import { attachmentDisposition } from "../src/http/content-disposition.js";
import { signMediaLink, verifyMediaLink, type MediaLinkTarget } from "../src/media/signed-link.js";
import { spoolBuffer, spoolToFile } from "../src/media/spool.js";
import { tempDir } from "./helpers.js";

async function* chunked(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** The error `work` rejects with, or fails the test. */
async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("spoolToFile and spoolBuffer", () => {
  const dirs: (() => void)[] = [];
  afterEach(() => {
    for (const remove of dirs.splice(0)) remove();
  });
  function spoolDir(): string {
    const dir = tempDir();
    dirs.push(dir.remove);
    // A directory that does not exist yet: the spool creates it.
    return join(dir.path, "spool");
  }

  it("streams an upload to a fresh file and discards it, twice without complaint", async () => {
    const dir = spoolDir();
    const data = randomBytes(300_000);
    const file = await spoolToFile(chunked(data, 10_000), { dir, maxBytes: data.length });
    expect(file.size).toBe(data.length);
    expect(file.path.startsWith(dir)).toBe(true);
    expect(file.path.slice(dir.length + 1)).toMatch(/^[0-9a-f]{32}\.upload$/);
    expect((await readFile(file.path)).equals(data)).toBe(true);
    await file.discard();
    await file.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it("gives every upload its own file", async () => {
    const dir = spoolDir();
    const files = await Promise.all([1, 2, 3].map((n) => spoolToFile(Readable.from([Buffer.alloc(n, n)]), { dir, maxBytes: 10 })));
    expect(new Set(files.map((f) => f.path)).size).toBe(3);
    for (const file of files) await file.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses an upload past the limit, stops reading it and leaves no file", async () => {
    const dir = spoolDir();
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1000);
      }
    }
    const error = await rejection(spoolToFile(endless(), { dir, maxBytes: 2500 }));
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe("MEDIA_TOO_LARGE");
    expect((error as ParleyError).details).toEqual({ limit: 2500 });
    expect(pulled).toBe(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it("accepts an upload of exactly the limit", async () => {
    const dir = spoolDir();
    const file = await spoolToFile(chunked(Buffer.alloc(2500, 1), 1000), { dir, maxBytes: 2500 });
    expect(file.size).toBe(2500);
    await file.discard();
  });

  it("leaves the source stream alive when refusing it, for the caller to answer on", async () => {
    const dir = spoolDir();
    const source = Readable.from([Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)]);
    const error = await rejection(spoolToFile(source, { dir, maxBytes: 1000 }));
    expect((error as ParleyError).code).toBe("MEDIA_TOO_LARGE");
    expect(source.destroyed).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    source.destroy();
  });

  it("refuses an empty upload and leaves no file", async () => {
    const dir = spoolDir();
    const error = await rejection(spoolToFile(Readable.from([]), { dir, maxBytes: 10 }));
    expect((error as ParleyError).code).toBe("MEDIA_EMPTY");
    expect(await readdir(dir)).toEqual([]);
  });

  it("rethrows a source error and leaves no file", async () => {
    const dir = spoolDir();
    async function* dropped(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100);
      throw new Error("connection reset");
    }
    await expect(spoolToFile(dropped(), { dir, maxBytes: 1000 })).rejects.toThrow("connection reset");
    const stream = new Readable({ read() {} });
    const spooling = spoolToFile(stream, { dir, maxBytes: 1000 });
    stream.push(Buffer.alloc(10));
    stream.destroy(new Error("aborted"));
    await expect(spooling).rejects.toThrow("aborted");
    expect(await readdir(dir)).toEqual([]);
  });

  it("spools bytes in memory with the same checks, touching no disk when refusing", async () => {
    const dir = spoolDir();
    const file = await spoolBuffer(Buffer.from("%PDF-1.7"), { dir, maxBytes: 8 });
    expect(file.size).toBe(8);
    expect(await readFile(file.path, "utf8")).toBe("%PDF-1.7");
    await file.discard();
    const tooLarge = await rejection(spoolBuffer(Buffer.alloc(9), { dir, maxBytes: 8 }));
    expect((tooLarge as ParleyError).code).toBe("MEDIA_TOO_LARGE");
    expect((tooLarge as ParleyError).details).toEqual({ limit: 8 });
    const empty = await rejection(spoolBuffer(new Uint8Array(0), { dir, maxBytes: 8 }));
    expect((empty as ParleyError).code).toBe("MEDIA_EMPTY");
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("signed media links", () => {
  const secret = "test-secret-0123456789-abcdefghijklmnop";
  const target: MediaLinkTarget = { tenant: "default", chatId: "CHAT_1", messageId: "MSG_1", format: "fullsize" };
  const now = Date.UTC(2026, 0, 1);
  const ttl = 5 * 60_000;

  function query(path: string): { expires: string | null; signature: string | null; format: string | null } {
    const params = new URL(path, "http://parley.test").searchParams;
    return { expires: params.get("expires"), signature: params.get("signature"), format: params.get("format") };
  }

  function code(verify: () => void): string | undefined {
    try {
      verify();
      return undefined;
    } catch (error) {
      return error instanceof ParleyError ? error.code : "not a ParleyError";
    }
  }

  it("builds the download path with its expiry and verifies until it expires", () => {
    const link = signMediaLink(secret, target, ttl, now);
    expect(link.path).toMatch(/^\/v1\/contacts\/CHAT_1\/messages\/MSG_1\/media\?tenant=default&format=fullsize&expires=\d+&signature=[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt).toBe(new Date(now + ttl).toISOString());
    const { expires, signature, format } = query(link.path);
    expect(format).toBe("fullsize");
    expect(expires).toBe(String(now + ttl));
    expect(code(() => verifyMediaLink(secret, target, expires, signature, now))).toBeUndefined();
    expect(code(() => verifyMediaLink(secret, target, expires, signature, now + ttl - 1))).toBeUndefined();
    expect(code(() => verifyMediaLink(secret, target, Number(expires), signature, now))).toBeUndefined();
    // The signature covers the tenant: the same chat and message ids under another tenant open nothing.
    expect(code(() => verifyMediaLink(secret, { ...target, tenant: "acme" }, expires, signature, now))).toBe("MEDIA_LINK_INVALID");
  });

  it("refuses an expired link", () => {
    const { expires, signature } = query(signMediaLink(secret, target, ttl, now).path);
    expect(code(() => verifyMediaLink(secret, target, expires, signature, now + ttl))).toBe("MEDIA_LINK_INVALID");
    expect(code(() => verifyMediaLink(secret, target, expires, signature, now + ttl + 60_000))).toBe("MEDIA_LINK_INVALID");
  });

  it("refuses a link used for another format, message or chat", () => {
    const { expires, signature } = query(signMediaLink(secret, target, ttl, now).path);
    for (const other of [
      { ...target, format: "thumbnail" as const },
      { ...target, messageId: "MSG_2" },
      { ...target, chatId: "CHAT_2" },
      // Moving characters between fields must not give the same signed text.
      { ...target, chatId: "CHAT_1MSG_1", messageId: "" },
    ]) {
      expect(code(() => verifyMediaLink(secret, other, expires, signature, now))).toBe("MEDIA_LINK_INVALID");
    }
  });

  it("refuses a pushed-back expiry and a signature made with another secret", () => {
    const { expires, signature } = query(signMediaLink(secret, target, ttl, now).path);
    expect(code(() => verifyMediaLink(secret, target, String(Number(expires) + 3_600_000), signature, now))).toBe("MEDIA_LINK_INVALID");
    const forged = query(signMediaLink("another-secret-0123456789-abcdefghijkl", target, ttl, now).path);
    expect(code(() => verifyMediaLink(secret, target, forged.expires, forged.signature, now))).toBe("MEDIA_LINK_INVALID");
  });

  it("refuses missing, malformed and re-spelled parameters", () => {
    const { expires, signature } = query(signMediaLink(secret, target, ttl, now).path);
    const sig = signature ?? "";
    const flipped = sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A");
    for (const [e, s] of [
      [undefined, sig],
      [expires, undefined],
      [expires, ""],
      ["", sig],
      [`0${expires}`, sig],
      [`${expires}.0`, sig],
      [`+${expires}`, sig],
      [["1"], sig],
      [expires, `${sig}=`],
      [expires, sig.slice(0, -1)],
      [expires, flipped],
      [expires, sig.replace(/-/g, "+").replace(/_/g, "/")],
      [expires, ["x"]],
    ] as [unknown, unknown][]) {
      if (e === expires && s === sig) continue;
      expect(code(() => verifyMediaLink(secret, target, e, s, now))).toBe("MEDIA_LINK_INVALID");
    }
  });

  it("encodes ids in the path", () => {
    const link = signMediaLink(secret, { tenant: "default", chatId: "a/b", messageId: "c?d", format: "thumbnail" }, ttl, now);
    expect(link.path.startsWith("/v1/contacts/a%2Fb/messages/c%3Fd/media?tenant=default&format=thumbnail&")).toBe(true);
  });
});

describe("attachmentDisposition", () => {
  /** The two names as a client would read them. */
  function parse(header: string): { fallback: string; exact: string } {
    const match = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)$/.exec(header);
    if (match === null) throw new Error(`unexpected header: ${header}`);
    return { fallback: match[1] ?? "", exact: decodeURIComponent(match[2] ?? "") };
  }

  it("keeps a plain name as it is", () => {
    expect(attachmentDisposition("report-2026.pdf")).toBe(`attachment; filename="report-2026.pdf"; filename*=UTF-8''report-2026.pdf`);
  });

  it("replaces quotes in the fallback and encodes them in the exact name", () => {
    const header = attachmentDisposition(`"quoted" name.pdf`);
    expect(parse(header)).toEqual({ fallback: "_quoted_ name.pdf", exact: `"quoted" name.pdf` });
    expect(header).toContain("filename*=UTF-8''%22quoted%22%20name.pdf");
  });

  it("gives accented names an ASCII fallback and the exact name in UTF-8", () => {
    const header = attachmentDisposition("naïve résumé.pdf");
    expect(parse(header)).toEqual({ fallback: "na_ve r_sum_.pdf", exact: "naïve résumé.pdf" });
    expect(header).toContain("filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf");
  });

  it("keeps path separators and traversal out of the fallback", () => {
    const { fallback, exact } = parse(attachmentDisposition("../../etc/passwd"));
    expect(fallback).toBe(".._.._etc_passwd");
    expect(exact).toBe("../../etc/passwd");
    expect(attachmentDisposition("..\\..\\boot.ini")).toContain(`filename=".._.._boot.ini"`);
    expect(attachmentDisposition("a;b%20c")).toContain(`filename="a_b_20c"`);
  });

  it("turns an emoji into one underscore and its four UTF-8 bytes", () => {
    const header = attachmentDisposition("party 🎉.png");
    expect(parse(header)).toEqual({ fallback: "party _.png", exact: "party 🎉.png" });
    expect(header).toContain("%F0%9F%8E%89");
  });

  it("cannot be split by CR, LF or other control characters", () => {
    const header = attachmentDisposition("a\r\nSet-Cookie: x=1\t\u0000.pdf");
    expect([...header].every((char) => char >= " " && char <= "~")).toBe(true);
    expect(parse(header)).toEqual({ fallback: "a__Set-Cookie: x=1__.pdf", exact: "a\r\nSet-Cookie: x=1\t\u0000.pdf" });
  });

  it("percent-encodes the characters encodeURIComponent leaves alone", () => {
    expect(attachmentDisposition("it's (1)*.pdf")).toContain("filename*=UTF-8''it%27s%20%281%29%2A.pdf");
  });

  it("never gives an empty name", () => {
    expect(parse(attachmentDisposition(""))).toEqual({ fallback: "download", exact: "download" });
    expect(parse(attachmentDisposition("   "))).toEqual({ fallback: "download", exact: "download" });
    expect(parse(attachmentDisposition("文件")).fallback).toBe("__");
  });

  it("caps the fallback, keeping the extension, and still gives the whole exact name", () => {
    const long = `${"x".repeat(300)}.docx`;
    const { fallback, exact } = parse(attachmentDisposition(long));
    expect(fallback.length).toBe(100);
    expect(fallback.endsWith("x.docx")).toBe(true);
    expect(exact).toBe(long);
  });

  it("replaces a lone surrogate instead of failing", () => {
    expect(parse(attachmentDisposition("bad\ud800.pdf"))).toEqual({ fallback: "bad_.pdf", exact: "bad\ufffd.pdf" });
  });
});
