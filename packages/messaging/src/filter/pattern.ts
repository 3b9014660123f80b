/** The comparisons of a `numeric` matcher. */
export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

/**
 * What `anything-but` excludes: one string or number, a list of only strings or only numbers,
 * or one prefix or suffix. Only a present value can match: anything-but never matches a missing field.
 */
export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string }
  | { readonly suffix: string };

/** An operator object inside a value list; exactly one key. */
export type PatternMatcher =
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  /** `*` stands for any run of characters; `\*` is a literal asterisk, `\\` a literal backslash. */
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingBut }
  /** One comparison, or a range: lower bound (`>`, `>=`) first, then upper bound (`<`, `<=`). */
  | {
      readonly numeric:
        readonly [NumericOperator, number] | readonly ['>' | '>=', number, '<' | '<=', number];
    }
  /** `true`: the field holds a value (null included); `false`: it holds none (missing, or an object). */
  | { readonly exists: boolean };

/** One entry of a value list: a literal (matched by type and value) or an operator object. */
export type PatternValue = string | number | boolean | null | PatternMatcher;

/**
 * A subscription filter in the Amazon EventBridge event-pattern language. Keys mirror the event's
 * fields; an object descends into the field, a list is the field's accepted values (any of them).
 * All keys must match. The event is `{ ...envelopeAttributes, data: payload }`.
 *
 * @example
 *   const pattern: EventPattern = {
 *     type: ['com.acme.order.placed.v1', 'com.acme.order.placed.v2'],
 *     data: { totalMinor: [{ numeric: ['>=', 10_000] }], currency: [{ 'anything-but': ['EUR'] }] },
 *   };
 */
export interface EventPattern {
  readonly [field: string]: EventPattern | readonly PatternValue[];
}
