// Admin JSON API (admin role only): staff accounts and the audit log.
//   GET    /admin/users                         → {users}
//   POST   /admin/users {username, role, password?}      → 201 {user, password?}  (password only when generated)
//   PATCH  /admin/users/:id {role?, disabled?}           → {user}
//   POST   /admin/users/:id/password {password?}         → {user, password?}      (ends the user's sessions)
//   POST   /admin/users/:id/disable | /enable | /reset-password | /role {role} | /revoke-sessions
//   GET    /admin/audit/records?who&what&from&to&number&ip&result&limit&offset → {items, nextOffset}
//   GET    /admin/audit/records/:id              → {record, outcomes}
//   GET    /admin/audit/export.csv?…same filters → text/csv
//   GET    /admin/audit/verify                   → {ok, checked, firstBroken?}
// (GET /admin/audit and /admin/staff are left to the SPA's pages.)
// Every change is recorded in the audit log; changes that remove access (disable, password reset) end the user's
// sessions at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicUser, requestMeta, tolerateEmptyJson } from '../plugins/auth';
import { sendProxyError } from '../plugins/errors';
import type { Store } from '../store';
import type { AuditEntry, AuditQuery } from '../store/audit';
import { generatePassword, passwordProblem } from '../store/passwords';
import { UserError, isRole, type User } from '../store/users';
import { roleAtLeast, type Role } from '../store/types';

export interface AdminRoutesOptions {
  store: Store;
}

const CSV_MAX_ROWS = 100_000;

function userJson(u: User) {
  return { ...publicUser(u), disabled: u.disabled, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

function badRequest(reply: FastifyReply, detail: string, pointer?: string) {
  return sendProxyError(reply, {
    status: 400,
    code: 'invalid_body',
    title: 'Bad Request',
    detail,
    ...(pointer ? { source: { pointer } } : {}),
  });
}

function userError(reply: FastifyReply, err: unknown) {
  if (!(err instanceof UserError)) throw err;
  const status =
    err.code === 'not_found' ? 404 : err.code === 'exists' || err.code === 'last_admin' ? 409 : 400;
  const pointer =
    err.code === 'invalid_username' || err.code === 'exists'
      ? '/username'
      : err.code === 'invalid_role'
        ? '/role'
        : undefined;
  return sendProxyError(reply, {
    status,
    code: err.code,
    title: status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : 'Bad Request',
    detail: err.message,
    ...(pointer ? { source: { pointer } } : {}),
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function auditQuery(q: Record<string, unknown>): AuditQuery | string {
  const out: AuditQuery = {
    who: str(q.who),
    what: str(q.what),
    from: str(q.from),
    to: str(q.to),
    number: str(q.number)?.replace(/[^0-9A-Za-z_-]/g, ''),
    ip: str(q.ip),
    result: str(q.result),
  };
  for (const k of ['from', 'to'] as const) {
    const v = out[k];
    if (v !== undefined && Number.isNaN(Date.parse(v))) return `${k} must be an ISO date or date-time.`;
  }
  for (const k of ['limit', 'offset'] as const) {
    const v = str(q[k]);
    if (v === undefined) continue;
    if (!/^\d{1,7}$/.test(v)) return `${k} must be a whole number.`;
    out[k] = Number(v);
  }
  return out;
}

/** A CSV cell: quoted, quotes doubled, and a leading = + - @ tab or CR neutralised (spreadsheet formula injection). */
export function csvCell(value: unknown): string {
  let s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const CSV_COLUMNS: [string, (e: AuditEntry) => unknown][] = [
  ['seq', (e) => e.seq],
  ['time_utc', (e) => e.ts],
  ['kind', (e) => e.kind],
  ['action', (e) => e.action],
  ['user', (e) => e.actor],
  ['role', (e) => e.role],
  ['source_ip', (e) => e.sourceIp],
  ['target', (e) => e.target],
  ['summary', (e) => e.summary],
  ['idempotency_key', (e) => e.idempotencyKey],
  ['result', (e) => e.outcome?.result ?? e.result],
  ['status', (e) => e.outcome?.status ?? e.status],
  ['flowroute_id', (e) => e.outcome?.flowrouteId ?? e.flowrouteId],
  ['duration_ms', (e) => e.outcome?.durationMs ?? e.durationMs],
  ['outcome_time_utc', (e) => e.outcome?.ts ?? null],
  ['detail', (e) => e.outcome?.detail ?? e.detail],
  ['id', (e) => e.id],
  ['hash', (e) => e.hash],
];

export async function adminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  const { store } = opts;

  await app.register(async (admin) => {
    tolerateEmptyJson(admin);
    admin.addHook('onRequest', async (request, reply) => {
      if (!request.user) {
        return sendProxyError(reply, {
          status: 401,
          code: 'unauthenticated',
          title: 'Unauthorized',
          detail: 'Sign in to use the dashboard.',
        });
      }
      if (!roleAtLeast(request.user.role, 'admin')) {
        return sendProxyError(reply, {
          status: 403,
          code: 'forbidden_role',
          title: 'Forbidden',
          detail: `This needs the admin role; you are ${request.user.role}.`,
        });
      }
    });

    const record = async (
      request: FastifyRequest,
      action: string,
      target: User,
      summary: Record<string, unknown>,
    ): Promise<void> => {
      const actor = request.user!;
      try {
        await store.audit.event({
          action,
          actorId: actor.id,
          actor: actor.username,
          role: actor.role,
          ...requestMeta(request),
          sessionHash: actor.sessionId,
          target: target.username,
          summary: { user_id: target.id, ...summary },
          result: 'ok',
        });
      } catch (err) {
        request.log.error(
          { err: { message: (err as Error).message }, action },
          'audit event could not be written',
        );
      }
    };

    // ---------- users ----------

    admin.get('/admin/users', async () => ({ users: (await store.users.list()).map(userJson) }));

    admin.post('/admin/users', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body.username !== 'string') return badRequest(reply, 'username is required.', '/username');
      if (!isRole(body.role)) return badRequest(reply, 'role must be viewer, operator or admin.', '/role');
      let generated: string | null = null;
      let password: string;
      if (body.password === undefined || body.password === null || body.password === '') {
        generated = generatePassword();
        password = generated;
      } else if (typeof body.password !== 'string') {
        return badRequest(reply, 'password must be text.', '/password');
      } else {
        const problem = passwordProblem(body.password);
        if (problem) return badRequest(reply, problem, '/password');
        password = body.password;
      }
      try {
        const user = await store.users.create({ username: body.username, role: body.role, password });
        await record(request, 'user.create', user, {
          role: user.role,
          password_generated: generated !== null,
        });
        reply.code(201);
        return { user: userJson(user), ...(generated ? { password: generated } : {}) };
      } catch (err) {
        return userError(reply, err);
      }
    });

    const setRole = async (request: FastifyRequest, id: string, role: Role) => {
      const before = await store.users.get(id);
      const user = await store.users.setRole(id, role);
      await record(request, 'user.role', user, { from: before?.role ?? null, to: role });
      return user;
    };
    const setDisabled = async (request: FastifyRequest, id: string, disabled: boolean) => {
      const user = await store.users.setDisabled(id, disabled);
      const ended = disabled ? await store.sessions.revokeUser(id) : 0;
      await record(
        request,
        disabled ? 'user.disable' : 'user.enable',
        user,
        disabled ? { sessions_ended: ended } : {},
      );
      return user;
    };
    const resetPassword = async (
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      given: unknown,
    ) => {
      let password: string;
      let generated: string | null = null;
      if (given === undefined || given === null || given === '') {
        generated = generatePassword();
        password = generated;
      } else if (typeof given !== 'string') {
        return badRequest(reply, 'password must be text.', '/password');
      } else {
        const problem = passwordProblem(given);
        if (problem) return badRequest(reply, problem, '/password');
        password = given;
      }
      try {
        const user = await store.users.setPassword(id, password);
        const ended = await store.sessions.revokeUser(id);
        await record(request, 'user.password_reset', user, {
          password_generated: generated !== null,
          sessions_ended: ended,
        });
        return { user: userJson(user), ...(generated ? { password: generated } : {}) };
      } catch (err) {
        return userError(reply, err);
      }
    };

    admin.patch<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const unknownKeys = Object.keys(body).filter((k) => k !== 'role' && k !== 'disabled');
      if (unknownKeys.length > 0) return badRequest(reply, `Only role and disabled can be changed here.`);
      if (body.role !== undefined && !isRole(body.role)) {
        return badRequest(reply, 'role must be viewer, operator or admin.', '/role');
      }
      if (body.disabled !== undefined && typeof body.disabled !== 'boolean') {
        return badRequest(reply, 'disabled must be true or false.', '/disabled');
      }
      try {
        let user = await store.users.get(request.params.id);
        if (!user) throw new UserError('not_found', 'No such user.');
        if (isRole(body.role) && body.role !== user.role) user = await setRole(request, user.id, body.role);
        if (typeof body.disabled === 'boolean' && body.disabled !== user.disabled) {
          user = await setDisabled(request, user.id, body.disabled);
        }
        return { user: userJson(user) };
      } catch (err) {
        return userError(reply, err);
      }
    });

    admin.post<{ Params: { id: string } }>('/admin/users/:id/role', async (request, reply) => {
      const role = (request.body as { role?: unknown } | undefined)?.role;
      if (!isRole(role)) return badRequest(reply, 'role must be viewer, operator or admin.', '/role');
      try {
        return { user: userJson(await setRole(request, request.params.id, role)) };
      } catch (err) {
        return userError(reply, err);
      }
    });

    for (const [path, disabled] of [
      ['disable', true],
      ['enable', false],
    ] as const) {
      admin.post<{ Params: { id: string } }>(`/admin/users/:id/${path}`, async (request, reply) => {
        try {
          return { user: userJson(await setDisabled(request, request.params.id, disabled)) };
        } catch (err) {
          return userError(reply, err);
        }
      });
    }

    for (const path of ['password', 'reset-password']) {
      admin.post<{ Params: { id: string } }>(`/admin/users/:id/${path}`, async (request, reply) =>
        resetPassword(
          request,
          reply,
          request.params.id,
          (request.body as { password?: unknown } | undefined)?.password,
        ),
      );
    }

    admin.post<{ Params: { id: string } }>('/admin/users/:id/revoke-sessions', async (request, reply) => {
      const user = await store.users.get(request.params.id);
      if (!user) return userError(reply, new UserError('not_found', 'No such user.'));
      const ended = await store.sessions.revokeUser(user.id);
      await record(request, 'user.sessions_revoked', user, { sessions_ended: ended });
      return { user: userJson(user), sessionsEnded: ended };
    });

    // ---------- audit ----------

    admin.get('/admin/audit/records', async (request, reply) => {
      const q = auditQuery(request.query as Record<string, unknown>);
      if (typeof q === 'string') return badRequest(reply, q);
      return store.audit.list(q);
    });

    admin.get<{ Params: { id: string } }>('/admin/audit/records/:id', async (request, reply) => {
      const found = await store.audit.get(request.params.id);
      if (!found) {
        return sendProxyError(reply, {
          status: 404,
          code: 'not_found',
          title: 'Not Found',
          detail: 'No such record.',
        });
      }
      return found;
    });

    admin.get('/admin/audit/export.csv', async (request, reply) => {
      const q = auditQuery(request.query as Record<string, unknown>);
      if (typeof q === 'string') return badRequest(reply, q);
      const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
      let offset = 0;
      let rows = 0;
      for (;;) {
        const page = await store.audit.list({ ...q, limit: 1000, offset });
        for (const e of page.items) {
          lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(e))).join(','));
          rows++;
        }
        if (page.nextOffset === null || rows >= CSV_MAX_ROWS) break;
        offset = page.nextOffset;
      }
      const actor = request.user!;
      await store.audit
        .event({
          action: 'audit.export',
          actorId: actor.id,
          actor: actor.username,
          role: actor.role,
          ...requestMeta(request),
          summary: { filters: q, rows },
          result: 'ok',
        })
        .catch(() => undefined);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
        .send(`${lines.join('\r\n')}\r\n`);
    });

    admin.get('/admin/audit/verify', async () => store.audit.verify());
  });
}
