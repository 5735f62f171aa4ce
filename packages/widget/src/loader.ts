/**
 * `widget.js`, the one classic `<script async>` a company page includes. It
 * stays tiny: it notes its own tag (`document.currentScript` exists only now),
 * keeps the page's early `Parley.*` calls in a queue, and imports the widget
 * itself (`widget/main.js`, an ES module beside it, which imports its parts on
 * demand). Relative imports resolve against this script's own URL.
 * @module
 */

interface ParleyStub {
  q?: unknown[][];
  [method: string]: unknown;
}

(() => {
  const current = document.currentScript;
  const script = current instanceof HTMLScriptElement ? current : document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
  const win = window as unknown as { Parley?: ParleyStub };
  // The same stub as the page's own snippet (docs/widget.md): calls wait in `q` until the widget runs them.
  const stub: ParleyStub = win.Parley ?? { q: [] };
  stub.q ??= [];
  for (const method of ["open", "close", "setAttributes", "on"]) {
    stub[method] ??= (...args: unknown[]) => stub.q?.push([method, ...args]);
  }
  win.Parley = stub;
  const base = script?.src || location.href;
  import(/* @vite-ignore */ new URL("widget/main.js", base).href).then(
    (main: { mount(script: HTMLScriptElement | null): void }) => main.mount(script),
    (error: unknown) => console.warn("Parley: the widget could not be loaded", error),
  );
})();
