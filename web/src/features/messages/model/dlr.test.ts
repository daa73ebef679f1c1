import { levelLabel, receiptsOldestFirst, statusColor } from './dlr';

it('orders receipts oldest first, level 1 before level 2 at the same time', () => {
  const newestFirst = [
    {
      status: 'delivered',
      status_code: 1000,
      status_code_description: 'Delivered',
      timestamp: '2026-11-20T10:00:05Z',
      level: 2,
    },
    {
      status: 'message buffered',
      status_code: 1003,
      status_code_description: 'Message accepted by Carrier',
      timestamp: '2026-11-20T10:00:01.00Z',
      level: 2,
    },
    {
      status: 'smsc submit',
      status_code: null,
      status_code_description: 'Message has been sent',
      timestamp: '2026-11-20T10:00:01.00Z',
      level: 1,
    },
  ];
  expect(receiptsOldestFirst(newestFirst).map((r) => r.status)).toEqual([
    'smsc submit',
    'message buffered',
    'delivered',
  ]);
  expect(newestFirst[0]?.status).toBe('delivered'); // not mutated
});

it('labels levels and colours statuses', () => {
  expect(levelLabel(1)).toMatch(/carrier/);
  expect(statusColor('Delivered')).toBe('teal');
  expect(statusColor('undelivered')).toBe('red');
  expect(statusColor('message buffered')).toBe('blue');
});
