import { eventually, withDeadline } from '../src/wait.js';

describe('eventually', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    const value = await eventually(() => Promise.resolve(++calls >= 3 ? calls : undefined), {
      intervalMs: 1,
    });
    expect(value).toBe(3);
  });

  it('keeps trying while the probe throws', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 2) throw new Error('not yet');
        return Promise.resolve('ok');
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ok');
  });

  it('fails after the deadline with the last error and the description', async () => {
    await expect(
      eventually(() => Promise.reject(new Error('still broken')), {
        timeoutMs: 30,
        intervalMs: 5,
        description: 'the thing',
      }),
    ).rejects.toThrow(/waiting for the thing: last attempt failed with still broken/);
  });
});

describe('withDeadline', () => {
  it('passes the result through when the work settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, 'seven')).resolves.toBe(7);
  });

  it('rejects with what it was waiting for when the work hangs', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20, 'the hanging thing')).rejects.toThrow(
      'timed out after 20 ms the hanging thing',
    );
  });
});
