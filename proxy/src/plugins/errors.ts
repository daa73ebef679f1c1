// Proxy-made errors: one JSON:API-style envelope, always tagged with X-Proxy-Error, and no stack traces ever.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

export interface ProxyErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface ProxyErrorInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  source?: ProxyErrorSource;
  /** More field errors in the same answer (e.g. several invalid attributes). */
  more?: { detail: string; source?: ProxyErrorSource }[];
}

/** Throw from handlers/hooks; the error handler turns it into the envelope. */
export class ProxyHttpError extends Error {
  constructor(readonly init: ProxyErrorInit) {
    super(init.detail);
    this.name = 'ProxyHttpError';
  }
}

export function errorBody(init: ProxyErrorInit): { errors: Record<string, unknown>[] } {
  const first = {
    status: init.status,
    title: init.title,
    detail: init.detail,
    code: init.code,
    ...(init.source ? { source: init.source } : {}),
  };
  const rest = (init.more ?? []).map((m) => ({
    status: init.status,
    title: init.title,
    detail: m.detail,
    code: init.code,
    ...(m.source ? { source: m.source } : {}),
  }));
  return { errors: [first, ...rest] };
}

/** The answer to a bug: an error nothing else mapped (here, and a fast read's, routes/fast-read.ts). */
export const INTERNAL_ERROR: ProxyErrorInit = {
  status: 500,
  code: 'internal',
  title: 'Internal Server Error',
  detail: 'The proxy hit an unexpected error. It has been logged.',
};

/** Sends a proxy-made error. Returns the reply so handlers can `return sendProxyError(...)`. */
export function sendProxyError(reply: FastifyReply, init: ProxyErrorInit): FastifyReply {
  reply.request.proxyFlag ??= init.code;
  return reply
    .code(init.status)
    .header('x-proxy-error', init.code)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(init)));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Short reason code of a proxy-made answer, for the access log (Envoy RESPONSE_FLAGS analogue). */
    proxyFlag?: string;
  }
}

/** Maps Fastify's own errors (body parsing, limits) to the envelope; anything unexpected is a bare 500. */
function mapFastifyError(err: FastifyError): ProxyErrorInit | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'body_too_large',
        title: 'Payload Too Large',
        detail: 'The request body is too large.',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? {
            status: 415,
            code: 'unsupported_media_type',
            title: 'Unsupported Media Type',
            detail: 'Send the body as application/json or application/vnd.api+json.',
          }
        : {
            status: 400,
            code: 'invalid_body',
            title: 'Bad Request',
            detail: 'The Content-Length does not match the body.',
          };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', title: 'Bad Request', detail: 'The JSON body is empty.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        code: 'invalid_json',
        title: 'Bad Request',
        detail: 'The body is not valid JSON.',
      };
    default:
      break;
  }
  if (err.name === 'SyntaxError' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, code: 'invalid_json', title: 'Bad Request', detail: 'The body is not valid JSON.' };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify-level client errors (e.g. prototype poisoning): generic text, never internals.
    return {
      status: err.statusCode,
      code: 'bad_request',
      title: 'Bad Request',
      detail: 'The request could not be processed.',
    };
  }
  return null;
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof ProxyHttpError) return sendProxyError(reply, err.init);
      const mapped = mapFastifyError(err);
      if (mapped) return sendProxyError(reply, mapped);
      request.log.error({ err: { message: err.message, code: err.code, name: err.name } }, 'unhandled error');
      return sendProxyError(reply, INTERNAL_ERROR);
    });
  },
  { name: 'proxy-errors' },
);
