import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { access, PUBLIC } from './access/route-access.js';

/** The built UI sits at <repo>/web/dist whether this file runs from src/api (tests) or dist/api (npm start). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths owned by the APIs: an unknown one there is an API 404 in JSON, never the UI's index page. */
const API_PREFIXES = ['/api/', '/ajax-api/', '/health', '/metrics'];

// The UI renders user data (notes, artifact previews) as text only; this policy makes any slip inert as well.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mnemo</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Mnemo</h1><p>The web UI has not been built yet. Run <code>npm run build</code> (or <code>npm start</code>, which
builds it) and reload this page. The API is available under <code>/api/v1</code>.</p></body></html>`;

/**
 * Serves the single-page app: real files from the build (hashed assets cached for good), and index.html for every
 * other GET outside the APIs so that client-side routes survive a reload or a shared link.
 */
export async function registerWebUi(app: FastifyInstance, root: string = DEFAULT_WEB_ROOT): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(root, 'index.html'))) {
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .sendFile('index.html', { cacheControl: false });
  };

  app.get('/*', { config: access(PUBLIC), schema: { hide: true } }, async (request, reply) => {
    const path = safeDecode(request.url.split('?')[0] ?? '/');
    if (path === null || API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
      return reply.callNotFound();
    }
    const relative = normalize(path).replace(/^[/\\]+/, '');
    const inside = relative !== '' && !relative.startsWith('..') && !relative.split(sep).includes('..');
    if (inside && extname(relative) !== '' && isFile(join(root, relative))) {
      // Vite names built assets by content hash, so a cached copy can never be stale.
      const immutable = relative.startsWith('assets/');
      return reply.sendFile(relative, immutable ? { maxAge: 31_536_000_000, immutable: true } : {});
    }
    // A missing file with an extension (a stale asset link) is a real 404, not the app shell.
    if (extname(relative) !== '' && relative.startsWith('assets/')) return reply.callNotFound();
    return sendIndex(reply);
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
