// Staff accounts from the command line (same database as the proxy: DATABASE_URL, or the embedded one in DATA_DIR).
//   npm run users -- list
//   npm run users -- add <username> --role viewer|operator|admin [--password-stdin]
//   npm run users -- role <username> <viewer|operator|admin>
//   npm run users -- disable <username>        (ends the user's sessions)
//   npm run users -- enable <username>
//   npm run users -- reset <username> [--password-stdin]   (ends the user's sessions)
// Without --password-stdin a random password is generated and printed once. With the embedded database, stop the
// proxy first (one process at a time) or use the admin screen.
import { userInfo } from 'node:os';
import { ConfigError } from '../config';
import { openStore, type Store } from '../store';
import { generatePassword, passwordProblem } from '../store/passwords';
import { isRole, UserError, type User } from '../store/users';
import { isEntryPoint, storeOptionsFromEnv } from './env';

export const USAGE = `Usage: npm run users -- <command>
  list
  add <username> --role viewer|operator|admin [--password-stdin]
  role <username> viewer|operator|admin
  disable <username>
  enable <username>
  reset <username> [--password-stdin]`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Runs one command; returns the exit code. */
export async function runUsersCli(argv: string[], store: Store, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional: string[] = [];
  let role: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--role') role = rest[++i];
    else if (a.startsWith('--role=')) role = a.slice('--role='.length);
    else if (!a.startsWith('--')) positional.push(a);
  }
  const name = positional[0];
  const audit = (action: string, user: User, summary: Record<string, unknown> = {}) =>
    store.audit.event({
      action,
      actor: operator(),
      target: user.username,
      summary: { user_id: user.id, via: 'cli', ...summary },
      result: 'ok',
    });

  const password = async (): Promise<{ value: string; generated: boolean } | null> => {
    if (!flags.has('--password-stdin')) return { value: generatePassword(), generated: true };
    const value = (await io.readStdin()).replace(/\r?\n$/, '');
    const problem = passwordProblem(value);
    if (problem) {
      io.err(problem);
      return null;
    }
    return { value, generated: false };
  };
  const find = async (): Promise<User | null> => {
    if (!name) {
      io.err(USAGE);
      return null;
    }
    const user = await store.users.findByUsername(name);
    if (!user) io.err(`No user named ${name}.`);
    return user;
  };

  try {
    switch (command) {
      case 'list': {
        const users = await store.users.list();
        if (users.length === 0)
          io.out('No staff accounts yet. Add one: npm run users -- add <name> --role admin');
        for (const u of users) {
          io.out(
            `${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.disabled ? 'disabled' : 'enabled '} created ${u.createdAt}`,
          );
        }
        return 0;
      }
      case 'add': {
        if (!name || !isRole(role)) {
          io.err(USAGE);
          return 2;
        }
        const pw = await password();
        if (!pw) return 2;
        const user = await store.users.create({ username: name, role, password: pw.value });
        await audit('user.create', user, { role, password_generated: pw.generated });
        io.out(`Added ${user.username} (${user.role}).`);
        if (pw.generated) io.out(`Password (shown once): ${pw.value}`);
        return 0;
      }
      case 'role': {
        const newRole = positional[1] ?? role;
        if (!isRole(newRole)) {
          io.err(USAGE);
          return 2;
        }
        const user = await find();
        if (!user) return 1;
        const changed = await store.users.setRole(user.id, newRole);
        await audit('user.role', changed, { from: user.role, to: newRole });
        io.out(`${changed.username} is now ${changed.role}.`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const user = await find();
        if (!user) return 1;
        const changed = await store.users.setDisabled(user.id, command === 'disable');
        const ended = command === 'disable' ? await store.sessions.revokeUser(user.id) : 0;
        await audit(`user.${command}`, changed, command === 'disable' ? { sessions_ended: ended } : {});
        io.out(
          `${changed.username} is ${command}d${command === 'disable' ? ` (${ended} session(s) ended)` : ''}.`,
        );
        return 0;
      }
      case 'reset': {
        const user = await find();
        if (!user) return 1;
        const pw = await password();
        if (!pw) return 2;
        await store.users.setPassword(user.id, pw.value);
        const ended = await store.sessions.revokeUser(user.id);
        await audit('user.password_reset', user, { password_generated: pw.generated, sessions_ended: ended });
        io.out(`Password of ${user.username} reset; ${ended} session(s) ended.`);
        if (pw.generated) io.out(`New password (shown once): ${pw.value}`);
        return 0;
      }
      default:
        io.err(USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof UserError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
}

async function main(): Promise<void> {
  let store: Store | null = null;
  let code = 1;
  try {
    store = await openStore(storeOptionsFromEnv());
    code = await runUsersCli(process.argv.slice(2), store, {
      out: (l) => console.log(l),
      err: (l) => console.error(l),
      readStdin: () => readAll(process.stdin),
    });
  } catch (err) {
    console.error(
      err instanceof ConfigError ? `Configuration error: ${err.message}` : (err as Error).message,
    );
  } finally {
    await store?.close().catch(() => undefined);
  }
  process.exit(code);
}

if (isEntryPoint(import.meta.url)) void main();
