// classify() decides which guard answers a URL (api / auth / admin / page); its shortcut for plain paths must give
// exactly what the full decode-and-fold gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaOf, classify, foldPath } from './static';

/** The full rule, without the shortcut: every path folded. */
const reference = (rawUrl: string) => areaOf(foldPath(rawUrl.split(/[?#]/)[0] ?? '/'));

describe('classify', () => {
  it('puts each URL where the full decode-and-fold puts it', () => {
    const cases: Array<[string, string]> = [
      ['/api/v2/numbers/12065550100', 'api'],
      ['/API/v2/numbers', 'api'],
      ['/Api/v2', 'api'],
      ['//api/v2/numbers', 'api'],
      ['/%61pi/v2', 'api'],
      ['/%2561pi/v2', 'api'],
      ['\\api\\v2', 'api'],
      ['/auth/me?x=1', 'auth'],
      ['/admin/users', 'admin'],
      ['/admin/staff', 'page'],
      ['/admin/audit/', 'page'],
      ['/numbers', 'page'],
      ['/apix', 'page'],
      ['/\u0130api', 'page'],
    ];
    for (const [url, area] of cases) expect([url, classify(url)]).toEqual([url, area]);
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...'/\\%2561AaPpIiUuTtHhDdMmNnSsFf;.?#_-0x\u212a\u0130é'.split('')), {
            maxLength: 16,
          })
          .map((cs) => `/${cs.join('')}`),
        (url) => {
          expect(classify(url)).toBe(reference(url));
        },
      ),
      { seed: 8, numRuns: 20000 },
    );
  });
});
