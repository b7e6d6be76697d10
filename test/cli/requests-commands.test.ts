import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../access/access-fixture.js';
import { modelWithVersion, people, requestOf, type Tokens } from '../approvals/approval-fixture.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');
const SLOW = { timeout: 180_000 };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `mnemo` as one caller, with only the tracking variables given here. */
function mnemoAt(url: string) {
  return (token: string, args: string[]): Promise<Outcome> => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
    );
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: root,
      env: { ...inherited, MNEMO_TRACKING_URI: url, MNEMO_TRACKING_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };
}

const idIn = (text: string) => /(tr-[0-9a-f]+)/.exec(text)?.[1] ?? '';

describe.each(backends)('transition requests from the command line on $name', (backend) => {
  const t = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: 'reader' } },
  });
  let mnemo: ReturnType<typeof mnemoAt>;
  let tk: Tokens;

  beforeAll(async () => {
    mnemo = mnemoAt(t.url);
    tk = await people(t.url);
  });

  it(
    'protects a model, turns a transition into a request, and approves it with exit codes per outcome',
    SLOW,
    async () => {
      const { name } = await modelWithVersion(t.url, tk, 'cli');
      const protectArgs = ['models', 'protect', name, '--stage', 'Production', '--alias', 'champion'];
      const rule = [...protectArgs, '--approvals', '2', '--team', 'risk', '--team', 'legal'];
      const byEditor = await mnemo(tk.requester!, rule);
      expect(byEditor.code, byEditor.stderr).toBe(3);
      const protectedNow = await mnemo(tk.boss!, rule);
      expect(protectedNow.code, protectedNow.stderr).toBe(0);
      expect(protectedNow.stdout).toContain('2 approval(s) from risk, legal');

      // The transition is held: the error names the request, and the version stays where it was.
      const held = await mnemo(tk.requester!, ['models', 'transition', name, '1', 'Production']);
      expect(held.code).toBe(2);
      const id = idIn(held.stderr);
      expect(id).not.toBe('');
      expect(held.stderr).toContain('needs approval');

      const listed = await mnemo(tk.outsider!, ['requests', 'list', '--model', name, '--status', 'pending']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(id);

      const own = await mnemo(tk.requester!, ['requests', 'approve', id]);
      expect(own.code).toBe(3);
      expect(own.stderr).toContain('separation of duties');

      const comment = await mnemo(tk.outsider!, ['requests', 'comment', id, 'looks fine to me']);
      expect(comment.code, comment.stderr).toBe(0);

      const first = await mnemo(tk.both!, ['requests', 'approve', id, '--comment', 'risk and legal agree']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('is pending, approvals 1/2');
      const second = await mnemo(tk.risk1!, ['requests', 'approve', id]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`Applied: ${name} version 1 is now Production`);

      const again = await mnemo(tk.risk2!, ['requests', 'approve', id]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already decided');
    },
  );

  it('creates, rejects, withdraws and breaks the glass, each with its exit code', SLOW, async () => {
    const { name } = await modelWithVersion(t.url, tk, 'cli-decisions');
    const created = await mnemo(tk.requester!, [
      'requests',
      'create',
      name,
      '1',
      '--stage',
      'Production',
      '--reason',
      'q3',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const rejected = idIn(created.stdout);
    const reject = await mnemo(tk.boss!, ['requests', 'reject', rejected, '--comment', 'not yet']);
    expect(reject.code, reject.stderr).toBe(0);
    expect(reject.stdout).toContain('is rejected');

    const withdrawn = idIn(
      (await mnemo(tk.requester!, ['requests', 'create', name, '1', '--stage', 'Production'])).stdout,
    );
    const notTheirs = await mnemo(tk.boss!, ['requests', 'withdraw', withdrawn]);
    expect(notTheirs.code).toBe(3);
    const withdraw = await mnemo(tk.requester!, ['requests', 'withdraw', withdrawn]);
    expect(withdraw.code, withdraw.stderr).toBe(0);

    const urgent = idIn((await mnemo(tk.requester!, ['requests', 'create', name, '1', '--alias', 'champion'])).stdout);
    const noReason = await mnemo(ADMIN_TOKEN, ['requests', 'approve', urgent, '--break-glass']);
    expect(noReason.code).toBe(2);
    const notAdmin = await mnemo(tk.boss!, ['requests', 'approve', urgent, '--break-glass', '--reason', 'outage']);
    expect(notAdmin.code).toBe(3);
    const glass = await mnemo(ADMIN_TOKEN, ['requests', 'approve', urgent, '--break-glass', '--reason', 'outage 7']);
    expect(glass.code, glass.stderr).toBe(0);
    expect((await requestOf(t.url, urgent)).status).toBe('overridden');

    const missing = await mnemo(tk.boss!, ['requests', 'approve', 'tr-nonexistent']);
    expect(missing.code).toBe(2);
  });
});
