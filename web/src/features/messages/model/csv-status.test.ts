import { buildMessagesCsv } from './csv';
import { row } from './fixtures.test-util';

describe('buildMessagesCsv status column', () => {
  it('writes "none" where Flowroute gives no status (inbound MMS), as the log shows it', () => {
    const text = buildMessagesCsv([row({ direction: 'inbound', status: '', is_mms: true })]);
    const [header, line] = text.split('\r\n');
    const statusIndex = header!.split(',').indexOf('status');
    expect(line!.split(',')[statusIndex]).toBe('none');
  });

  it('states the zone of every time: the column is time_utc and each value ends in Z', () => {
    const text = buildMessagesCsv([row({ timestamp: '2026-11-28T13:46:44.34Z' })]);
    const [header, line] = text.split('\r\n');
    expect(header!.split(',')[0]).toBe('time_utc');
    expect(line!.split(',')[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });
});
