// Process helpers for the bench: every child is started in its own process group (detached) so that stopping it
// also stops whatever it started (toolchain.md P7), and every child is registered so a crash or Ctrl-C of the
// bench still stops them all.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

/**
 * Starts `cmd args` detached (own process group), stdout+stderr to `logFile`. Returns a handle with `pid`,
 * `stop()` (SIGTERM to the group, SIGKILL after 5 s) and `exited` (a promise).
 */
export function start(name, cmd, args, { env = {}, cwd = process.cwd(), logFile } = {}) {
  // The child writes its log straight into the file (its own fd), never through a pipe to this process: a pipe
  // would make the server's synchronous log writes wait whenever this process is busy generating load.
  const fd = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  if (typeof fd === 'number') closeSync(fd);
  let exitCode = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      children.delete(handle);
      resolve(exitCode);
    });
  });
  const handle = {
    name,
    pid: child.pid,
    child,
    logFile,
    exited,
    get exitCode() {
      return exitCode;
    },
    async stop() {
      if (exitCode !== null) return;
      killGroup(child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        killGroup(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
  children.add(handle);
  return handle;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Stops every child this process started (in reverse start order). */
export async function stopAll() {
  const list = [...children].reverse();
  for (const h of list) await h.stop();
}

let hooked = false;
/** On SIGINT/SIGTERM/uncaught errors: stop the children, then exit. */
export function stopChildrenOnExit() {
  if (hooked) return;
  hooked = true;
  const bail = (code) => {
    void stopAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail(130));
  process.once('SIGTERM', () => bail(143));
  process.on('exit', () => {
    for (const h of children) killGroup(h.pid, 'SIGKILL');
  });
}

/** Polls `url` until it answers (any status below 500) or `timeoutMs` passes. */
export async function waitForHttp(url, { timeoutMs = 60_000, handle } = {}) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (handle && handle.exitCode !== null) {
      throw new Error(`${handle.name} exited (${handle.exitCode}) before ${url} answered.${tail(handle)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last}).${handle ? tail(handle) : ''}`);
}

function tail(handle) {
  if (!handle.logFile) return '';
  try {
    const text = readFileSync(handle.logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
    return `\n--- last lines of ${handle.logFile} ---\n${text}`;
  } catch {
    return '';
  }
}

/** Resident set size of a process in kB (VmRSS from /proc/<pid>/status). */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : NaN;
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export function run(cmd, args, { env = {}, cwd = process.cwd(), input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/**
 * CPU time (user + system, ms) used so far by every process in the process group `pgid` (from /proc/<pid>/stat,
 * 10 ms ticks). Unlike req/s it is not skewed by other work on the machine, so CPU per request compares servers
 * fairly on a busy box.
 */
export function groupCpuMs(pgid) {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) !== pgid) continue; // field 5: pgrp
    ticks += Number(f[11]) + Number(f[12]); // fields 14, 15: utime, stime
  }
  return ticks * 10;
}
