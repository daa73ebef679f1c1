// Test-only control API under /__emulator on the emulator's own port: stats, faults, inventory, reset.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultSpecError } from './faults';
import type { EmulatorState } from './store';

function json(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}

function parse(raw: string): unknown {
  if (raw.trim() === '') return {};
  return JSON.parse(raw);
}

export function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  rawBody: string,
  state: EmulatorState,
): void {
  const method = req.method ?? 'GET';
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  let body: unknown;
  try {
    body = parse(rawBody);
  } catch {
    json(res, 400, { error: 'Body is not valid JSON.' });
    return;
  }
  if (route === 'GET /__emulator/stats') {
    json(res, 200, {
      ...state.stats,
      faults: state.faults.active(),
      counts: {
        numbers: state.numbers.size,
        routes: state.routes.length,
        messages: state.mdrs.length,
        inventory_available: state.inventory.availableCount,
      },
    });
    return;
  }
  if (route === 'POST /__emulator/faults') {
    try {
      const fault = state.faults.add(body);
      json(res, 201, { id: fault.id });
    } catch (err) {
      json(res, 400, { error: err instanceof FaultSpecError ? err.message : 'Invalid fault.' });
    }
    return;
  }
  if (route === 'GET /__emulator/faults') {
    json(res, 200, { faults: state.faults.active() });
    return;
  }
  if (route === 'DELETE /__emulator/faults') {
    state.faults.clear();
    json(res, 204);
    return;
  }
  const one = /^DELETE \/__emulator\/faults\/([^/]+)$/.exec(route);
  if (one) {
    const removed = state.faults.remove(one[1]!);
    json(res, removed ? 204 : 404, removed ? undefined : { error: 'No such fault.' });
    return;
  }
  if (route === 'POST /__emulator/inventory/sell') {
    const number = (body as { number?: unknown } | null)?.number;
    if (typeof number !== 'string') {
      json(res, 400, { error: 'number (11 digits) is required.' });
      return;
    }
    const info = state.inventory.take(number);
    if (!info) {
      json(res, 404, { error: 'That number is not in the purchasable inventory.' });
      return;
    }
    json(res, 200, { number, sold: true });
    return;
  }
  if (route === 'POST /__emulator/reset') {
    state.reset();
    json(res, 204);
    return;
  }
  json(res, 404, { error: `No control endpoint ${route}.` });
}
