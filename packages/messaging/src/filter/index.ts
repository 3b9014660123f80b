export { compileFilter, type EventFilter } from './compile.js';
export { InvalidPatternError } from './invalid-pattern-error.js';
export type { AnythingBut, EventPattern, NumericOperator, PatternMatcher, PatternValue } from './pattern.js';
