import { describe, expect, it } from 'vitest';
import { auditCsvUrl } from './audit-queries';
import {
  hasFilters,
  normalizeTarget,
  readAuditSearch,
  toAuditFilters,
  toListParams,
  writeAuditSearch,
} from './audit-search';

describe('readAuditSearch', () => {
  it('reads filters, page and open record; drops malformed values', () => {
    const s = readAuditSearch(
      new URLSearchParams(
        'who=Alice&what=auth.*&from=2026-11-01&to=nope&limit=7&offset=-3&id=r1&result=unknown',
      ),
    );
    expect(s).toMatchObject({
      who: 'Alice',
      what: 'auth.*',
      from: '2026-11-01',
      to: '',
      limit: 100,
      offset: 0,
      id: 'r1',
    });
    expect(s.result).toBe('unknown');
    expect(readAuditSearch(new URLSearchParams('limit=500&offset=1000'))).toMatchObject({
      limit: 500,
      offset: 1000,
    });
    expect(hasFilters(readAuditSearch(new URLSearchParams('limit=500')))).toBe(false);
    expect(hasFilters(s)).toBe(true);
  });
});

describe('writeAuditSearch', () => {
  it('removes empty values and defaults, and goes back to page 1 when a filter changes', () => {
    const prev = new URLSearchParams('who=alice&offset=200&limit=200&id=r1');
    expect(writeAuditSearch(prev, { what: 'purchaseNumber' }).toString()).toBe(
      'who=alice&limit=200&id=r1&what=purchaseNumber',
    );
    expect(writeAuditSearch(prev, { who: '' }).toString()).toBe('limit=200&id=r1');
    expect(writeAuditSearch(prev, { offset: 400 }).get('offset')).toBe('400');
    expect(writeAuditSearch(prev, { limit: 100, offset: 0 }).toString()).toBe('who=alice&id=r1');
    expect(writeAuditSearch(prev, { id: '' }).has('id')).toBe(false);
  });
});

describe('toAuditFilters', () => {
  it('turns days into an inclusive range of local days, swapping a reversed range', () => {
    const f = toAuditFilters(readAuditSearch(new URLSearchParams('from=2026-11-05&to=2026-11-03')));
    expect(f.from).toBe(new Date(2026, 10, 3).toISOString());
    expect(f.to).toBe(new Date(2026, 10, 6).toISOString());
  });

  it('lower-cases the username and sends typed numbers as 11 digits', () => {
    const f = toAuditFilters(readAuditSearch(new URLSearchParams('who=Alice&number=(206) 555-0100')));
    expect(f).toEqual({ who: 'alice', number: '12065550100' });
    expect(normalizeTarget(' 34567 ')).toBe('34567');
    expect(normalizeTarget('mdr2-abc')).toBe('mdr2-abc');
  });

  it('builds list params and the CSV address from the same filters', () => {
    const search = readAuditSearch(
      new URLSearchParams('what=sendMessage&number=2065550100&limit=200&offset=400'),
    );
    expect(toListParams(search)).toEqual({
      what: 'sendMessage',
      number: '12065550100',
      limit: 200,
      offset: 400,
    });
    expect(auditCsvUrl(toAuditFilters(search))).toBe(
      '/admin/audit/export.csv?what=sendMessage&number=12065550100',
    );
    expect(auditCsvUrl({})).toBe('/admin/audit/export.csv');
  });
});
