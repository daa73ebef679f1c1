// Security headers on every response (helmet with a strict CSP) and `Cache-Control: no-store` on API answers.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopbackHost, type Config } from '../config';

/** Paths whose answers are per-user data and must never be cached by the browser or any intermediary. */
export function isPrivatePath(url: string): boolean {
  return /^\/(api|auth|admin)(\/|\?|$)/i.test(url);
}

export default fp(
  async function securityHeaders(app: FastifyInstance, opts: { config: Config }) {
    // Served over HTTPS unless we listen on loopback only (demo/dev on http://localhost). Non-loopback
    // deployments must sit behind TLS, so HSTS and upgrade-insecure-requests are sent there.
    const tls = !isLoopbackHost(opts.config.host);
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          // Mantine injects <style> tags and style attributes at run time; inline STYLES only, never scripts.
          styleSrc: ["'self'", "'unsafe-inline'"],
          // MMS previews show the sender's media, which Flowroute fetches from public https URLs.
          imgSrc: ["'self'", 'data:', 'https:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          manifestSrc: ["'self'"],
          workerSrc: ["'self'"],
          ...(tls ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      hsts: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (isPrivatePath(request.url)) {
        reply.header('cache-control', 'no-store');
      }
      return payload;
    });
  },
  { name: 'security-headers' },
);
