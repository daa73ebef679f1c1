// The 13 Flowroute operations the emulator serves (plus /v2.2/messages, served like /v2.1).
import type { Ctx, Reply } from './http-util';
import { listAreaCodes, listExchanges, searchAvailableNumbers } from './handlers/available';
import { getMessage, listMessages, sendMessage } from './handlers/messages';
import { getNumber, listNumbers, purchaseNumber } from './handlers/numbers';
import { createRoute, listRoutes, updateFailoverRoute, updatePrimaryRoute } from './handlers/routes';
import type { EmulatorState } from './store';

export type OperationId =
  | 'sendMessage'
  | 'listMessages'
  | 'getMessage'
  | 'listNumbers'
  | 'getNumber'
  | 'purchaseNumber'
  | 'searchAvailableNumbers'
  | 'listAreaCodes'
  | 'listExchanges'
  | 'updatePrimaryRoute'
  | 'updateFailoverRoute'
  | 'createRoute'
  | 'listRoutes';

export interface Operation {
  method: string;
  pattern: RegExp;
  operationId: OperationId;
  /** Whether the operation reads a JSON body (then the media type is checked). */
  body: boolean;
  handler: (ctx: Ctx, state: EmulatorState) => Reply;
}

const NUMBER = '(\\d+)';

// Order matters: /v2/numbers/available must win over /v2/numbers/{id}.
export const OPERATIONS: Operation[] = [
  {
    method: 'POST',
    pattern: /^\/v2\.[12]\/messages$/,
    operationId: 'sendMessage',
    body: true,
    handler: sendMessage,
  },
  {
    method: 'GET',
    pattern: /^\/v2\.[12]\/messages$/,
    operationId: 'listMessages',
    body: false,
    handler: listMessages,
  },
  {
    method: 'GET',
    pattern: /^\/v2\.[12]\/messages\/([^/]+)$/,
    operationId: 'getMessage',
    body: false,
    handler: getMessage,
  },
  {
    method: 'GET',
    pattern: /^\/v2\/numbers$/,
    operationId: 'listNumbers',
    body: false,
    handler: listNumbers,
  },
  {
    method: 'GET',
    pattern: /^\/v2\/numbers\/available$/,
    operationId: 'searchAvailableNumbers',
    body: false,
    handler: searchAvailableNumbers,
  },
  {
    method: 'GET',
    pattern: /^\/v2\/numbers\/available\/areacodes$/,
    operationId: 'listAreaCodes',
    body: false,
    handler: listAreaCodes,
  },
  {
    method: 'GET',
    pattern: /^\/v2\/numbers\/available\/exchanges$/,
    operationId: 'listExchanges',
    body: false,
    handler: listExchanges,
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/v2/numbers/${NUMBER}/relationships/primary_route$`),
    operationId: 'updatePrimaryRoute',
    body: true,
    handler: updatePrimaryRoute,
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/v2/numbers/${NUMBER}/relationships/failover_route$`),
    operationId: 'updateFailoverRoute',
    body: true,
    handler: updateFailoverRoute,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v2/numbers/${NUMBER}$`),
    operationId: 'getNumber',
    body: false,
    handler: getNumber,
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v2/numbers/${NUMBER}$`),
    operationId: 'purchaseNumber',
    body: false,
    handler: purchaseNumber,
  },
  { method: 'POST', pattern: /^\/v2\/routes$/, operationId: 'createRoute', body: true, handler: createRoute },
  { method: 'GET', pattern: /^\/v2\/routes$/, operationId: 'listRoutes', body: false, handler: listRoutes },
];

export type Match =
  | { kind: 'operation'; operation: Operation; params: string[] }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export function matchOperation(method: string, path: string): Match {
  const allow: string[] = [];
  for (const operation of OPERATIONS) {
    const m = operation.pattern.exec(path);
    if (!m) continue;
    if (operation.method === method || (method === 'HEAD' && operation.method === 'GET')) {
      return { kind: 'operation', operation, params: m.slice(1).map(safeDecode) };
    }
    allow.push(operation.method);
  }
  return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
