// A rough strength hint for initial/reset passwords (length first, then variety; common and
// username-based passwords are weak). The proxy has the final say; this only helps the admin choose.

export const MIN_PASSWORD_LENGTH = 12;

export type StrengthLevel = 0 | 1 | 2 | 3 | 4;

export interface PasswordStrength {
  level: StrengthLevel;
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong';
  /** Percent for a meter. */
  percent: number;
  color: 'red' | 'orange' | 'yellow' | 'teal' | 'green';
  hints: string[];
  acceptable: boolean;
}

const COMMON = [
  'password',
  'passw0rd',
  'letmein',
  'welcome',
  'qwerty',
  'admin',
  'flowroute',
  'changeme',
  'iloveyou',
  'monkey',
  'dragon',
  'sunshine',
  'football',
  'abc123',
  '123456',
  '111111',
];

const LABELS: PasswordStrength['label'][] = ['Too short', 'Weak', 'Fair', 'Good', 'Strong'];
const COLORS: PasswordStrength['color'][] = ['red', 'orange', 'yellow', 'teal', 'green'];

function classes(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

function isSequenceOrRepeat(password: string): boolean {
  if (/^(.)\1+$/.test(password)) return true;
  const lower = password.toLowerCase();
  const runs = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiopasdfghjklzxcvbnm'];
  return runs.some((run) => run.includes(lower) || run.split('').reverse().join('').includes(lower));
}

export function passwordStrength(password: string, username = ''): PasswordStrength {
  const hints: string[] = [];
  const length = [...password].length;
  const lower = password.toLowerCase();
  const user = username.trim().toLowerCase();

  let level: number;
  if (length < MIN_PASSWORD_LENGTH) {
    level = 0;
    hints.push(`Use at least ${MIN_PASSWORD_LENGTH} characters (${length} so far).`);
  } else {
    // Length carries most of the weight (NIST SP 800-63B); variety adds a little.
    level = length >= 20 ? 3 : length >= 16 ? 2 : 1;
    if (classes(password) >= 3) level += 1;
    const distinct = new Set(password).size;
    if (distinct < Math.min(8, length / 2)) {
      level = Math.min(level, 1);
      hints.push('Avoid repeating the same few characters.');
    }
  }
  if (user.length >= 3 && lower.includes(user)) {
    level = Math.min(level, 1);
    hints.push('Do not include the username.');
  }
  if (COMMON.some((word) => lower.includes(word)) || (length > 0 && isSequenceOrRepeat(password))) {
    level = Math.min(level, 1);
    hints.push('Avoid common words and keyboard sequences.');
  }
  if (level >= 1 && level < 3 && length < 16) hints.push('Longer is stronger: a few random words work well.');
  if (length >= MIN_PASSWORD_LENGTH && level === 0) level = 1;

  const clamped = Math.max(0, Math.min(4, level)) as StrengthLevel;
  return {
    level: clamped,
    label: LABELS[clamped]!,
    color: COLORS[clamped]!,
    percent: [10, 30, 55, 80, 100][clamped]!,
    hints,
    acceptable: length >= MIN_PASSWORD_LENGTH,
  };
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A random 20-character password (about 115 bits) without look-alike characters, grouped for reading aloud. */
export function generatePassword(
  random: (buffer: Uint32Array) => Uint32Array = (b) => crypto.getRandomValues(b),
): string {
  const values = random(new Uint32Array(20));
  // Rejection sampling would be exact; 2^32 mod 54 bias is negligible (< 1e-8).
  const chars = Array.from(values, (v) => ALPHABET[v % ALPHABET.length]!);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
