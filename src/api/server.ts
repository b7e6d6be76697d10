import type { FastifyInstance } from 'fastify';
import { AuditLog } from '../services/provenance/audit-log.js';
import { createServices, type Services } from '../services/services.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';

export interface ServerConfig {
  host: string;
  port: number;
  backendStoreUri: string;
  artifactsDestination: string;
  logger?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  services: Services;
  /** Where artifact bytes go: a directory or an s3:// location. */
  artifactsLocation: string;
  url: string;
  close(): Promise<void>;
}

/** Opens storage (migrating it), wires services and HTTP, and listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const store = await openStore(config.backendStoreUri);
  const audit = new AuditLog(store.dialect);
  const artifacts = openArtifactStore(config.artifactsDestination);
  const services = createServices({ store, artifacts, audit });
  const app = await buildApp({ services, logger: config.logger ?? false });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    store,
    services,
    artifactsLocation: artifacts.description,
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
