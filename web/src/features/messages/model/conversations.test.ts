import { conversationKey, conversationThread, groupConversations } from './conversations';
import { row } from './fixtures.test-util';

const US = '12065550199';
const ALICE = '13125550111';
const BOB = '14155550122';

const rows = [
  row({
    id: 'mdr2-' + '3'.repeat(32),
    direction: 'outbound',
    from: US,
    to: ALICE,
    timestamp: '2026-11-20T10:03:00Z',
  }),
  row({
    id: 'mdr2-' + '1'.repeat(32),
    direction: 'outbound',
    from: US,
    to: ALICE,
    timestamp: '2026-11-20T10:01:00Z',
  }),
  row({
    id: 'mdr2-' + '2'.repeat(32),
    direction: 'inbound',
    from: ALICE,
    to: US,
    timestamp: '2026-11-20T10:02:00Z',
  }),
  row({
    id: 'mdr2-' + '4'.repeat(32),
    direction: 'inbound',
    from: BOB,
    to: US,
    timestamp: '2026-11-21T09:00:00Z',
  }),
  row({
    id: 'mdr2-' + '5'.repeat(32),
    direction: 'outbound',
    from: '12065550188',
    to: ALICE,
    timestamp: '2026-11-19T09:00:00Z',
  }),
];

describe('groupConversations', () => {
  it('groups by our number and theirs, newest activity first, both directions together', () => {
    const groups = groupConversations(rows);
    expect(groups.map((g) => g.key)).toEqual([
      conversationKey(US, BOB),
      conversationKey(US, ALICE),
      conversationKey('12065550188', ALICE),
    ]);
    const alice = groups[1]!;
    expect([alice.count, alice.inbound, alice.outbound]).toEqual([3, 1, 2]);
    expect(alice.last.id).toBe('mdr2-' + '3'.repeat(32));
  });

  it('is empty for no rows', () => {
    expect(groupConversations([])).toEqual([]);
  });
});

describe('conversationThread', () => {
  it('returns one pair’s messages oldest first', () => {
    expect(conversationThread(rows, US, ALICE).map((r) => r.id[5])).toEqual(['1', '2', '3']);
  });

  it('breaks time ties by id so the order is stable', () => {
    const same = [
      row({ id: 'mdr2-' + 'b'.repeat(32), from: US, to: ALICE, timestamp: '2026-11-20T10:00:00Z' }),
      row({ id: 'mdr2-' + 'a'.repeat(32), from: US, to: ALICE, timestamp: '2026-11-20T10:00:00Z' }),
    ];
    expect(conversationThread(same, US, ALICE).map((r) => r.id[5])).toEqual(['a', 'b']);
  });
});
