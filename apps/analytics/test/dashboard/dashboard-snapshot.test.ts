import {
  countsPerMinute,
  placedInLastMinute,
  revenueByCurrency,
} from '../../src/dashboard/dashboard.snapshot.js';

const bucket = (start: string, currency: string, placed: number, revenueMinor = 0) => ({
  start,
  currency,
  placed,
  confirmed: 0,
  cancelled: 0,
  revenueMinor,
});

test('orders per minute add up the currencies of a minute, oldest first', () => {
  const counts = countsPerMinute([
    bucket('2026-11-23T10:01:00.000Z', 'USD', 1),
    bucket('2026-11-23T10:00:00.000Z', 'EUR', 2),
    bucket('2026-11-23T10:01:00.000Z', 'EUR', 3),
  ]);
  expect(counts).toEqual([
    { minute: '2026-11-23T10:00:00.000Z', placed: 2, confirmed: 0, cancelled: 0 },
    { minute: '2026-11-23T10:01:00.000Z', placed: 4, confirmed: 0, cancelled: 0 },
  ]);
});

test('revenue is kept per currency (minor units never mix)', () => {
  expect(
    revenueByCurrency([
      bucket('2026-11-23T10:00:00.000Z', 'USD', 0, 500),
      bucket('2026-11-23T10:00:00.000Z', 'EUR', 0, 1250),
      bucket('2026-11-23T10:01:00.000Z', 'EUR', 0, 750),
    ]),
  ).toEqual([
    { currency: 'EUR', minor: 2000 },
    { currency: 'USD', minor: 500 },
  ]);
});

test('orders per minute now: this minute plus the part of the last one still within 60 s', () => {
  const perMinute = [
    { minute: '2026-11-23T10:00:00.000Z', placed: 10, confirmed: 0, cancelled: 0 },
    { minute: '2026-11-23T10:01:00.000Z', placed: 4, confirmed: 0, cancelled: 0 },
  ];
  // 15 s into 10:01: all 4 of 10:01, and 45/60 of the 10 of 10:00.
  expect(placedInLastMinute(perMinute, Date.parse('2026-11-23T10:01:15.000Z'))).toBe(11.5);
  // Nothing in the last two minutes: 0.
  expect(placedInLastMinute(perMinute, Date.parse('2026-11-23T10:05:00.000Z'))).toBe(0);
});
