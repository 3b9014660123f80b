import { loadStackConfig } from '../src/config.js';
import { createParts, stopPlan } from '../src/stack.js';

const parts = createParts(loadStackConfig({}));

describe('stopPlan (the order of `down`)', () => {
  it('stops the registry before Postgres, everything else in parallel', () => {
    const [first, second, ...rest] = stopPlan(parts);
    expect(rest).toEqual([]);
    expect(first?.sort()).toEqual(['jaeger', 'kafka', 'prometheus', 'registry']);
    expect(second).toEqual(['postgres']);
  });

  it('stopping Postgres also stops the registry that needs it, first', () => {
    expect(stopPlan(parts, ['postgres'])).toEqual([['registry'], ['postgres']]);
  });

  it('stopping the registry leaves Postgres alone', () => {
    expect(stopPlan(parts, ['registry'])).toEqual([['registry']]);
  });

  it('follows needs transitively and refuses a cycle', () => {
    const chain = [
      { name: 'kafka', needs: [] },
      { name: 'registry', needs: ['kafka'] },
      { name: 'jaeger', needs: ['registry'] },
    ] as const;
    expect(stopPlan(chain, ['kafka'])).toEqual([['jaeger'], ['registry'], ['kafka']]);
    const cycle = [
      { name: 'kafka', needs: ['registry'] },
      { name: 'registry', needs: ['kafka'] },
    ] as const;
    expect(() => stopPlan(cycle)).toThrow(/circular needs among kafka, registry/);
  });
});
