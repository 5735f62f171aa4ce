/**
 * The part of XMLHttpRequest the SDK's uploads use, over Node's `http`, so the
 * browser upload path (with `upload.onprogress`) runs in tests against the fake
 * server's real HTTP endpoint. The body is written in chunks and a progress
 * event follows each chunk the socket accepted, as browsers report it.
 */
import { request as httpRequest, type ClientRequest } from "node:http";

const CHUNK_BYTES = 64 * 1024;

type Handler = ((event: unknown) => void) | null;

export class NodeXhr {
  /** Every instance created, for assertions. */
  static readonly instances: NodeXhr[] = [];

  readonly upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = {
    onprogress: null,
  };
  onload: Handler = null;
  onerror: Handler = null;
  onabort: Handler = null;
  ontimeout: Handler = null;
  status = 0;
  responseText = "";
  /** Every `loaded` reported to `upload.onprogress`. */
  readonly progress: number[] = [];

  #method = "GET";
  #url = "";
  #headers: Record<string, string> = {};
  #responseHeaders: Record<string, string | string[] | undefined> = {};
  #request: ClientRequest | undefined;
  #aborted = false;

  constructor() {
    NodeXhr.instances.push(this);
  }

  open(method: string, url: string): void {
    this.#method = method;
    this.#url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.#headers[name.toLowerCase()] = value;
  }

  getResponseHeader(name: string): string | null {
    const value = this.#responseHeaders[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  send(body: Blob | Uint8Array): void {
    void this.#send(body);
  }

  abort(): void {
    this.#aborted = true;
    this.#request?.destroy();
    this.onabort?.({});
  }

  async #send(body: Blob | Uint8Array): Promise<void> {
    const bytes = body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
    const request = httpRequest(this.#url, {
      method: this.#method,
      headers: { ...this.#headers, "content-length": String(bytes.byteLength) },
    });
    this.#request = request;
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        this.status = response.statusCode ?? 0;
        this.#responseHeaders = response.headers;
        this.responseText = Buffer.concat(chunks).toString("utf8");
        this.onload?.({});
      });
    });
    request.on("error", () => {
      if (!this.#aborted) this.onerror?.({});
    });
    for (let offset = 0; offset < bytes.byteLength && !this.#aborted; offset += CHUNK_BYTES) {
      const chunk = bytes.subarray(offset, offset + CHUNK_BYTES);
      await new Promise<void>((resolve) => request.write(chunk, () => resolve()));
      const loaded = Math.min(offset + CHUNK_BYTES, bytes.byteLength);
      this.progress.push(loaded);
      this.upload.onprogress?.({ loaded, total: bytes.byteLength, lengthComputable: true });
    }
    request.end();
  }
}
