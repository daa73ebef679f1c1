import { describe, expect, it } from 'vitest';
import { generatePassword, MIN_PASSWORD_LENGTH, passwordStrength } from './password-strength';

describe('passwordStrength', () => {
  it('calls anything under the minimum too short, and says how many characters there are', () => {
    const s = passwordStrength('Ab1!xyz');
    expect(s.level).toBe(0);
    expect(s.label).toBe('Too short');
    expect(s.acceptable).toBe(false);
    expect(s.hints[0]).toContain(`at least ${MIN_PASSWORD_LENGTH}`);
    expect(s.hints[0]).toContain('7 so far');
  });

  it('rates by length first, variety second', () => {
    expect(passwordStrength('tqvmzhkrwpxe').label).toBe('Weak'); // 12, one class
    expect(passwordStrength('tqvmzhkrwpxeJ7').label).toBe('Fair'); // 14, three classes
    expect(passwordStrength('tqvmzhkrwpxebnsa').label).toBe('Fair'); // 16, one class
    expect(passwordStrength('tqvm zhkr wpxe bnsa ycd').label).toBe('Good'); // 23, two classes
    expect(passwordStrength('tqvm-Zhkr-wpx3-bnsa-ycd').label).toBe('Strong');
  });

  it('caps common words, sequences, repeats and the username at Weak', () => {
    expect(passwordStrength('Password123456!!', 'bob').label).toBe('Weak');
    expect(passwordStrength('abcdefghijklmnop').label).toBe('Weak');
    expect(passwordStrength('aaaaaaaaaaaaaaaaaaaa').label).toBe('Weak');
    const withName = passwordStrength('Alice-9-summer-Rain-x', 'alice');
    expect(withName.label).toBe('Weak');
    expect(withName.hints).toContain('Do not include the username.');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordStrength('🙂'.repeat(11)).acceptable).toBe(false);
    expect(passwordStrength('🙂🎉🚀🌍🔥💡🎵📞🧪🛰️🗺️🧭').acceptable).toBe(true);
  });
});

describe('generatePassword', () => {
  it('makes 4 groups of 5 from an alphabet without look-alikes, rated Strong', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
    expect(password).not.toMatch(/[01ilIoO]/);
    expect(passwordStrength(password).acceptable).toBe(true);
  });

  it('uses the random source it is given', () => {
    const fixed = generatePassword((b) => b.fill(0));
    expect(fixed).toBe('aaaaa-aaaaa-aaaaa-aaaaa');
    expect(generatePassword()).not.toBe(generatePassword());
  });
});
