import {
  countBody,
  EMPTY_COMPOSE,
  estimateCostUsd,
  formatUsdEstimate,
  keepKeyAfterError,
  rateLimitMessage,
  validateCompose,
  validateHttpsUrl,
} from './compose';

const valid = { ...EMPTY_COMPOSE, from: '12065550199', to: '(312) 555-0111', body: 'hi' };

describe('validateCompose', () => {
  it('accepts a number typed as people type it', () => {
    expect(validateCompose(valid)).toEqual({});
    expect(validateCompose({ ...valid, to: '+1 312 555 0111' })).toEqual({});
  });

  it('explains what is wrong', () => {
    expect(validateCompose({ ...valid, from: '' }).from).toMatch(/send from/);
    expect(validateCompose({ ...valid, to: '' }).to).toMatch(/Enter/);
    expect(validateCompose({ ...valid, to: '555-0111' }).to).toMatch(/Too short/);
    expect(validateCompose({ ...valid, to: '+1 206 555 0199' }).to).toMatch(/same as the sender/);
    expect(validateCompose({ ...valid, body: '  ' }).body).toMatch(/Write/);
  });

  it('allows an MMS with media and no text, and checks each media URL', () => {
    expect(validateCompose({ ...valid, body: '', mediaUrls: ['https://example.com/a.png'] })).toEqual({});
    expect(
      validateCompose({ ...valid, mediaUrls: ['https://example.com/a.png', 'http://x.com/b.png'] }).mediaUrls,
    ).toEqual([null, 'Media URL 2 must start with https://']);
  });

  it('checks an optional DLR callback URL', () => {
    expect(validateCompose({ ...valid, dlrCallback: 'ftp://x' }).dlrCallback).toMatch(/https/);
    expect(validateCompose({ ...valid, dlrCallback: 'https://hooks.example.com/dlr' })).toEqual({});
  });
});

describe('validateHttpsUrl', () => {
  it.each([
    ['https://example.com/a.jpg', null],
    ['  https://example.com/a.jpg ', null],
    ['http://example.com/a.jpg', 'URL must start with https://'],
    ['javascript:alert(1)', 'URL must start with https://'],
    ['example.com/a.jpg', 'URL must be a full address starting with https://'],
    ['https://user:pw@example.com/a.jpg', 'URL must not contain a user name or password'],
    ['https://exa mple.com', 'URL must not contain spaces'],
    ['', 'URL is empty'],
  ])('%s', (url, error) => expect(validateHttpsUrl(url)).toBe(error));
});

describe('countBody', () => {
  it('gives both rules and the characters that force UCS-2', () => {
    const c = countBody('Hi 😀');
    expect(c.encoding).toBe('UCS-2');
    expect(c.flowroute.segments).toBe(1);
    expect(c.forcingChars.map((f) => f.char)).toEqual(['😀']);
    const long = countBody('a'.repeat(300));
    expect([long.flowroute.segments, long.standard.segments]).toEqual([3, 2]);
  });
});

describe('cost', () => {
  it('multiplies segments by the rate, MMS per message, none without a rate', () => {
    expect(estimateCostUsd(3, false, { perSegment: 0.004, perMms: 0.0095 })).toBe(0.012);
    expect(estimateCostUsd(3, true, { perSegment: 0.004, perMms: 0.0095 })).toBe(0.0095);
    expect(estimateCostUsd(3, false, { perSegment: null, perMms: null })).toBeNull();
    expect(formatUsdEstimate(0.012)).toBe('$0.0120 USD');
  });
});

it('words a 429 with the wait time', () => {
  expect(rateLimitMessage(false, 3)).toBe('Flowroute allows 5 SMS per second — try again in 3 s');
  expect(rateLimitMessage(true, 0.2)).toBe('Flowroute allows 1 MMS per second — try again in 1 s');
  expect(rateLimitMessage(false, null)).toBe('Flowroute allows 5 SMS per second — try again in a moment');
});

it('keeps the Idempotency-Key only when the outcome of a send is open', () => {
  expect(keepKeyAfterError(undefined)).toBe(true); // network error
  expect(keepKeyAfterError(502)).toBe(true);
  expect(keepKeyAfterError(409)).toBe(true);
  expect(keepKeyAfterError(429)).toBe(false);
  expect(keepKeyAfterError(422)).toBe(false);
});

it('refuses bodies longer than the proxy accepts', () => {
  expect(validateCompose({ ...valid, body: 'x'.repeat(5001) }).body).toMatch(/5,000/);
  expect(validateCompose({ ...valid, body: 'x'.repeat(5000) })).toEqual({});
});
