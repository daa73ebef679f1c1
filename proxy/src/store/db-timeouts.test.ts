// PostgreSQL connections that die silently (a dropped NAT entry, a failed-over server: no FIN, no RST) must not hold
// a query, and so /readyz or a sign-in, for as long as the kernel takes to give up on the socket. Runs against the
// real PostgreSQL through a TCP relay that can black-hole traffic.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from './db';
import { announcePostgresVariants, randomSchema, TEST_DATABASE_URL } from './testing';

announcePostgresVariants('db-timeouts.test.ts');

/** Relays TCP to PostgreSQL; while `blackHole` is on, every byte in either direction is silently dropped. */
function startRelay(target: URL) {
  const state = { blackHole: false, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    state.connections++;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => {
        if (!state.blackHole) to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  return {
    state,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.runIf(Boolean(TEST_DATABASE_URL))('PostgreSQL: a silently dead connection', () => {
  const target = new URL(TEST_DATABASE_URL ?? 'postgres://localhost');
  const relay = startRelay(target);
  const schema = randomSchema();
  let db: Db;

  beforeAll(async () => {
    const port = await relay.listen();
    const url = new URL(target.href);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    db = await openDb({ databaseUrl: url.href, schema, queryTimeoutMs: 400, poolMax: 2 });
    await db.exec('CREATE TABLE t (n int)');
  });
  afterAll(async () => {
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.close().catch(() => undefined);
    await relay.close();
  });

  it('fails a query after the query timeout, and the next query gets a fresh connection', async () => {
    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    const before = relay.state.connections;
    relay.state.blackHole = true;
    const started = Date.now();
    await expect(db.query('SELECT 1 AS ok')).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(3_000);
    relay.state.blackHole = false;
    // The connection that lost bytes is gone: the next query opens another one and is answered.
    expect(await db.query('SELECT 2 AS ok')).toEqual([{ ok: 2 }]);
    expect(relay.state.connections).toBeGreaterThan(before);
  });

  it('has the server cancel a statement that runs too long (it does not go on holding locks), except a migration’s', async () => {
    const started = Date.now();
    await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(
      /canceling statement due to statement timeout/,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await db.query('SELECT 3 AS ok')).toEqual([{ ok: 3 }]);
    // migrate() runs with { unlimited: true }: a connection of its own, without either timeout.
    const slow = await db.transaction(
      async (tx) => {
        await tx.query('SELECT pg_sleep(0.6)');
        return (await tx.query<{ ok: number }>('SELECT 4 AS ok'))[0]?.ok;
      },
      { unlimited: true },
    );
    expect(slow).toBe(4);
  });

  it('throws a transaction’s connection away when it cannot even roll back', async () => {
    const before = relay.state.connections;
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        relay.state.blackHole = true;
        await tx.query('INSERT INTO t VALUES (2)');
      }),
    ).rejects.toThrow(/timeout/i);
    relay.state.blackHole = false;
    // Neither insert was committed, and the pool answers again on a new connection.
    for (let i = 0; i < 3; i++)
      expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
    expect(relay.state.connections).toBeGreaterThan(before);
  });
});
