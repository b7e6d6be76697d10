import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** What is worth compressing: API answers in JSON and the UI's own HTML, scripts, styles and SVG. */
const COMPRESSIBLE = /^(?:application\/(?:json|javascript)|text\/(?:html|css|javascript)|image\/svg\+xml)(?:;|$)/;

/**
 * Compresses JSON answers and the web UI (brotli or gzip, as the client accepts; 1 KB and up). Artifact and file
 * downloads (the wildcard routes under an API) go out byte for byte as stored, with their length, so clients can
 * check sizes and digests as they stream. Compressed request bodies are not accepted: every body limit and digest
 * applies to the bytes as sent.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  // Runs before the plugin's own onRoute hook, which reads these per-route settings.
  app.addHook('onRoute', (route) => {
    route.decompress ??= false;
    if (route.url.endsWith('/*') && route.url !== '/*') route.compress ??= false;
  });
  await app.register(fastifyCompress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    customTypes: COMPRESSIBLE,
  });
}
