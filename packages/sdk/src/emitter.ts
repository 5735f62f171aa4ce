/** A listener of one event of map `M`. */
export type Listener<M, K extends keyof M> = (event: M[K]) => void;

/**
 * A small typed event emitter: `on`/`off`/`emit` over an event map, where each
 * event hands its listeners one context object. A throwing listener is
 * reported with `console.error` and does not stop the others or the SDK.
 */
export class Emitter<M extends object> {
  private readonly _listeners = new Map<keyof M, Set<(event: never) => void>>();

  /** Registers `listener` for `name`. Registering the same function twice has no effect. */
  on<K extends keyof M>(name: K, listener: Listener<M, K>): this {
    let set = this._listeners.get(name);
    if (!set) this._listeners.set(name, (set = new Set()));
    set.add(listener as (event: never) => void);
    return this;
  }

  /** Removes `listener` from `name`, or every listener of `name` when none is given. */
  off<K extends keyof M>(name: K, listener?: Listener<M, K>): this {
    if (listener === undefined) this._listeners.delete(name);
    else this._listeners.get(name)?.delete(listener as (event: never) => void);
    return this;
  }

  /** Calls every listener of `name` with `event`, in registration order. */
  emit<K extends keyof M>(name: K, event: M[K]): void {
    const set = this._listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M, K>)(event);
      } catch (error) {
        console.error(`[parley] a "${String(name)}" listener threw`, error);
      }
    }
  }
}
