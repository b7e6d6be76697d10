import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('/ready on $name', (backend) => {
  const api = useTestServer(backend);

  it('answers 200 while the database and the artifact store answer', async () => {
    const ready = await api.call('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
  });
});

describe.each(backends)('/ready with an artifact store that cannot be written on $name', (backend) => {
  // A folder below a regular file can never be made: the artifact store is unreachable, the database is fine.
  const blocker = join(tmpdir(), `mnemo-ready-blocker-${process.pid}-${backend.name}`);
  const api = useTestServer(backend, { artifactsDestination: () => join(blocker, 'artifacts') });
  afterAll(() => rm(blocker, { force: true }));

  it('answers 503 naming the artifact store, while /health stays 200', async () => {
    await writeFile(blocker, 'not a folder');
    const ready = await api.call<{ status: string; message: string }>('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    expect(ready.body.message).toMatch(/^artifact store unreachable: /);
    expect(ready.body.message).not.toMatch(/database/);
    expect((await api.call('GET', '/health')).status).toBe(200);
  });
});
