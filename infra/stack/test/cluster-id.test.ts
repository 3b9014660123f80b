import { newClusterId } from '../src/parts/kafka.js';

test('a KRaft cluster id is 16 random bytes in base64url that a command line cannot take for an option', () => {
  // One plain random id in 64 starts with "-": 4,000 draws would hold ~60 of them.
  const ids = Array.from({ length: 4_000 }, () => newClusterId());
  expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
  for (const id of ids.slice(0, 100)) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  expect(new Set(ids).size).toBe(ids.length);
});
