// Password hashing with node:crypto scrypt (memory-hard). Stored as `scrypt$<log2N>$<r>$<p>$<salt>$<hash>` (base64url)
// so the cost can be raised later and old hashes still verify.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  log2N: number; // N = 2^log2N
  r: number;
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB per hash (OWASP's scrypt minimum is N=2^17 r=8 p=1 or 2^15 with more memory). */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };
const KEY_LEN = 32;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LEN,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.log2N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const params = { log2N: Number(n), r: Number(r), p: Number(p) };
  if (![params.log2N, params.r, params.p].every((x) => Number.isInteger(x) && x > 0) || params.log2N > 22) {
    return false;
  }
  const expected = Buffer.from(keyB64, 'base64url');
  const actual = await derive(password, Buffer.from(saltB64, 'base64url'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A random password people can type: 20 chars from a 56-letter alphabet without look-alikes (~116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < alphabet.length * Math.floor(256 / alphabet.length) && out.length < length) {
        out += alphabet[b % alphabet.length];
      }
    }
  }
  return out;
}

export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
  return null;
}
