/**
 * What one client remembers of the API during one run. The Pulumi engine starts the dynamic-provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) for each command, so a run is one `pulumi up`, `preview` or
 * `refresh`: answers that many resources of it share (the account's script listing, a Worker's secrets list,
 * the account's workers.dev subdomain) are read once and kept here.
 *
 * Every such cache is a slot of the client's one RunState, created on first use: `CloudflareClient.newRun()`
 * forgets them all, and a new cache cannot miss that reset because there is no other place to keep one.
 * Two clients (other credentials, another API) never share a slot.
 */

/** A cache kept per client and per run: `create` makes its empty value when the run first asks for it. */
export interface RunSlot<T> {
  /** For people reading a debugger: what the slot holds. */
  readonly name: string;
  readonly create: () => T;
}

export function runSlot<T>(name: string, create: () => T): RunSlot<T> {
  return Object.freeze({ name, create });
}

export class RunState {
  readonly #values = new Map<RunSlot<unknown>, unknown>();

  /** The slot's value in this run, made on first use. */
  get<T>(slot: RunSlot<T>): T {
    if (!this.#values.has(slot)) this.#values.set(slot, slot.create());
    return this.#values.get(slot) as T;
  }

  /** Forgets every slot: the next use of each starts empty, as in a new provider process. */
  reset(): void {
    this.#values.clear();
  }
}
