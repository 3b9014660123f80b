/**
 * Upcasting: reading an event written as an older type as its newer type. Plain functions over a
 * map `M` from event type to data type, so the consumer runtime (on receive) and the event store
 * (on read) share one mechanism, with no Kafka or registry in sight.
 */

/** One step from type `F`: the newer type it becomes and how its data is lifted. */
export type UpcastStep<M, F extends keyof M> = {
  [T in Exclude<keyof M, F>]: { readonly to: T; readonly lift: (data: M[F]) => M[T] };
}[Exclude<keyof M, F>];

/** Upcasting steps by the type they start from; a type without a step is the newest of its line. */
export type Upcasters<M> = { readonly [F in keyof M]?: UpcastStep<M, F> };

/** An event type of `M` with its data, correlated: narrowing `type` narrows `data`. */
export type TypedData<M, K extends keyof M = keyof M> = {
  [T in K]: { readonly type: T; readonly data: M[T] };
}[K];

/** The type reached from `K` by following the steps `S` to their end. */
export type NewestType<M, S, K extends keyof M, Depth extends unknown[] = []> = K extends keyof M
  ? Depth['length'] extends 16 // a chain this long is a loop, which defineUpcasters refuses
    ? keyof M
    : K extends keyof S
      ? S[K] extends { readonly to: infer T extends keyof M }
        ? NewestType<M, S, T, [...Depth, K]>
        : K
      : K
  : never;

/** What `defineUpcasters` returns: the steps, and the two ways of applying them. */
export interface Upcasting<M, S extends Upcasters<M>> {
  readonly steps: S;
  /** Lifts data step by step to the newest type reachable from `type`; other types pass unchanged. */
  readonly upcast: <K extends keyof M>(type: K, data: M[K]) => TypedData<M, NewestType<M, S, K>>;
  /** Lifts data to `target`, or `undefined` when `target` is not reachable from `type`. */
  readonly upcastTo: <T extends keyof M, K extends keyof M>(
    target: T,
    type: K,
    data: M[K],
  ) => M[T] | undefined;
}

// The runtime view of the steps: the typed surface above is what callers see.
interface Step {
  readonly to: PropertyKey;
  readonly lift: (data: unknown) => unknown;
}
type Steps = Readonly<Record<PropertyKey, Step>>;

/** The step from `type`, never one inherited from Object.prototype ('constructor', …). */
function stepFrom(steps: Steps, type: PropertyKey): Step | undefined {
  return Object.hasOwn(steps, type) ? steps[type] : undefined;
}

/** Throws when following the steps from some type comes back to a type already passed. */
function refuseLoops(steps: Steps): void {
  for (const start of Reflect.ownKeys(steps)) {
    const path: PropertyKey[] = [start];
    for (let step = stepFrom(steps, start); step; step = stepFrom(steps, step.to)) {
      const seen = path.includes(step.to);
      path.push(step.to);
      if (seen) throw new Error(`upcasters loop: ${path.map(String).join(' → ')}`);
    }
  }
}

/**
 * Declares upcasting steps for the event map `M` and returns `upcast`/`upcastTo` over them.
 * Curried so that `M` is given and the steps' exact types are inferred (a `to` stays a literal, so
 * `upcast` knows the type it returns). Throws if the steps loop.
 *
 * @example
 * const { upcast } = defineUpcasters<{ 'a.v1': { n: number }; 'a.v2': { count: number } }>()({
 *   'a.v1': { to: 'a.v2', lift: (v1) => ({ count: v1.n }) },
 * });
 * upcast('a.v1', { n: 1 }); // { type: 'a.v2', data: { count: 1 } }
 */
export function defineUpcasters<M>() {
  return <const S extends Upcasters<M>>(steps: S): Upcasting<M, S> => {
    const runtime = steps as unknown as Steps;
    refuseLoops(runtime);
    const upcast = (type: PropertyKey, data: unknown) => {
      for (let step = stepFrom(runtime, type); step; step = stepFrom(runtime, type)) {
        data = step.lift(data);
        type = step.to;
      }
      return { type, data };
    };
    const upcastTo = (target: PropertyKey, type: PropertyKey, data: unknown) => {
      for (let step = stepFrom(runtime, type); type !== target; step = stepFrom(runtime, type)) {
        if (!step) return undefined;
        data = step.lift(data);
        type = step.to;
      }
      return data;
    };
    return { steps, upcast, upcastTo } as Upcasting<M, S>;
  };
}
