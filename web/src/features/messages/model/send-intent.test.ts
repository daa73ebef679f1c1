import { SendIntent } from './send-intent';

beforeEach(() => sessionStorage.clear());

describe('SendIntent', () => {
  it('reuses the key for the same message (double click, retry after a network error)', () => {
    const intent = new SendIntent('t');
    const a = intent.keyFor({ body: 'hi' });
    intent.failed(undefined);
    expect(intent.keyFor({ body: 'hi' })).toBe(a);
    intent.failed(502);
    expect(intent.keyFor({ body: 'hi' })).toBe(a);
  });

  it('survives a reload through sessionStorage', () => {
    const a = new SendIntent('t').keyFor({ body: 'hi' });
    expect(new SendIntent('t').keyFor({ body: 'hi' })).toBe(a);
  });

  it('issues a new key when the message changes, after success, and after a definite refusal', () => {
    const intent = new SendIntent('t');
    const a = intent.keyFor({ body: 'hi' });
    const b = intent.keyFor({ body: 'hi!' });
    expect(b).not.toBe(a);
    intent.succeeded();
    const c = intent.keyFor({ body: 'hi!' });
    expect(c).not.toBe(b);
    intent.failed(429);
    expect(intent.keyFor({ body: 'hi!' })).not.toBe(c);
  });

  it('keeps scopes apart', () => {
    expect(new SendIntent('a').keyFor({ x: 1 })).not.toBe(new SendIntent('b').keyFor({ x: 1 }));
  });
});
