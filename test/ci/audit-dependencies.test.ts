import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The CI dependency audit's verdicts, with `npm audit` replaced by a program printing what npm prints in each case
 * (the advisory service itself cannot be part of a test).
 */
describe('scripts/audit-dependencies.ts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-audit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function auditWith(report: unknown, exitCode: number) {
    const npm = join(dir, `npm-${Math.random().toString(36).slice(2)}`);
    await writeFile(npm, `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(report)}\nJSON\nexit ${exitCode}\n`);
    await chmod(npm, 0o755);
    const run = spawnSync('npx', ['tsx', 'scripts/audit-dependencies.ts'], {
      encoding: 'utf8',
      env: { ...process.env, MNEMO_NPM: npm },
    });
    return { status: run.status, output: run.stdout + run.stderr };
  }

  const counts = (high: number, critical: number) => ({
    auditReportVersion: 2,
    vulnerabilities: {},
    metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high, critical, total: 3 + high + critical } },
  });

  it('fails on a high or a critical advisory', async () => {
    for (const [high, critical] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const result = await auditWith(counts(high, critical), 1);
      expect(result.status).toBe(1);
      expect(result.output).toMatch(/Dependency audit failed: 1 high or critical advisories/);
    }
  });

  it('passes when only low and moderate advisories remain', async () => {
    const result = await auditWith(counts(0, 0), 1);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/Dependency audit passed/);
  });

  it('says the audit was not performed when the advisory service cannot be reached', async () => {
    const result = await auditWith({ message: '405 Method Not Allowed - POST …/advisories/bulk', error: {} }, 1);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/dependency audit NOT performed/);
    expect(result.output).toMatch(/this is not a pass/);
    expect(result.output).not.toMatch(/passed/);
  });
});
