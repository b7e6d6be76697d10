import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');
const SLOW = { timeout: 120_000 };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `mnemo` against one server, with only the tracking variables given here whatever the test's own
 * environment holds, and `stdin` piped in (closed at once when there is none).
 */
function mnemoAt(url: string) {
  return (args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Outcome> => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
    );
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: root,
      env: { ...inherited, MNEMO_TRACKING_URI: url, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.end(options.stdin ?? '');
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };
}

const as = (token: string) => ({ env: { MNEMO_TRACKING_TOKEN: token } });
const admin = as(ADMIN_TOKEN);

describe.each(backends)('access control from the command line on $name', (backend) => {
  const t = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  let mnemo: ReturnType<typeof mnemoAt>;
  let experimentId: string;
  const PASSWORD = 'correct horse battery staple';
  const readExperiment = (credentials: string | { user: string; password: string }) =>
    callAs(t.url, credentials, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);
  /** Creates a token with the CLI as the admin and returns it, checking stdout holds the token and nothing else. */
  const tokenFor = async (user: string, ...extra: string[]) => {
    const created = await mnemo(['tokens', 'create', '--user', user, ...extra], admin);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^mnemo_[A-Za-z0-9_-]+\n$/);
    return created.stdout.trimEnd();
  };

  beforeAll(async () => {
    mnemo = mnemoAt(t.url);
    const created = await ok(
      callAs<{ experiment_id: string }>(t.url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', {
        name: 'churn',
      }),
    );
    experimentId = created.experiment_id;
  });

  it(
    'refuses a caller without a token, or with one it does not know, with exit code 3 and what to set',
    SLOW,
    async () => {
      const [none, unknown, mlflow, models, run] = await Promise.all([
        mnemo(['users', 'list']),
        mnemo(['users', 'list'], as('mnemo_not-a-token-this-server-issued')),
        mnemo(['teams', 'list'], { env: { MLFLOW_TRACKING_TOKEN: 'mnemo_also-unknown' } }),
        mnemo(['models', 'list']),
        mnemo(['run', '--', process.execPath, '-e', 'console.log("ran")']),
      ]);
      expect(none.code).toBe(3);
      expect(none.stdout).toBe('');
      expect(none.stderr).toContain('requires a token and none was sent');
      expect(none.stderr).toContain('Set MNEMO_TRACKING_TOKEN');
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain('did not accept the token in MNEMO_TRACKING_TOKEN');
      expect(unknown.stderr).toContain('not known to this server');
      // A shell set up for MLflow is told about the variable it actually set.
      expect(mlflow.code).toBe(3);
      expect(mlflow.stderr).toContain('did not accept the token in MLFLOW_TRACKING_TOKEN');
      // Every client command explains a refusal alike.
      expect(models.code).toBe(3);
      expect(models.stderr).toContain('requires a token and none was sent');
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('requires a token and none was sent');
      expect(run.stdout).not.toContain('ran');
    },
  );

  it('creates a team, and a user whose password comes from stdin and then signs in', SLOW, async () => {
    const team = await mnemo(['teams', 'create', 'risk'], admin);
    expect(team, team.stderr).toMatchObject({ code: 0, stdout: "Created team 'risk'\n" });
    const user = await mnemo(
      [
        'users',
        'create',
        'alice',
        '--email',
        'alice@example.com',
        '--display-name',
        'Alice A.',
        '--team',
        'risk',
        '--password-stdin',
      ],
      { ...admin, stdin: `${PASSWORD}\n` },
    );
    expect(user, user.stderr).toMatchObject({
      code: 0,
      stdout: "Created user 'alice' (teams: risk; with a password)\n",
    });
    // echo's line break is not part of the password.
    const session = await callAs<{ user: { name: string } | null }>(
      t.url,
      { user: 'alice', password: PASSWORD },
      'GET',
      '/api/v1/auth/session',
    );
    expect(session).toMatchObject({ status: 200, body: { user: { name: 'alice' } } });
    expect((await callAs(t.url, { user: 'alice', password: `${PASSWORD}\n` }, 'GET', '/api/v1/teams')).status).toBe(
      401,
    );

    const service = await mnemo(['users', 'create', 'ci', '--service-account', '--team', 'risk'], admin);
    expect(service, service.stderr).toMatchObject({ code: 0, stdout: "Created service account 'ci' (teams: risk)\n" });

    const [table, json] = await Promise.all([
      mnemo(['users', 'list'], admin),
      mnemo(['users', 'list', '--json'], admin),
    ]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+STATUS\s+ADMIN\s+TEAMS\s+EMAIL\s+LAST LOGIN$/);
    expect(lines.find((l) => l.startsWith('alice '))).toMatch(
      /^alice\s+user\s+active\s+no\s+risk\s+alice@example\.com\s+-$/,
    );
    expect(lines.find((l) => l.startsWith('ci '))).toMatch(/^ci\s+service\s+active\s+no\s+risk\s+-\s+-$/);
    const listed = JSON.parse(json.stdout) as { name: string; hasPassword: boolean; displayName: string | null }[];
    expect(listed.find((u) => u.name === 'alice')).toMatchObject({ hasPassword: true, displayName: 'Alice A.' });
    expect(listed.find((u) => u.name === 'ci')).toMatchObject({ hasPassword: false, kind: 'service' });
  });

  it('never takes a password from a flag, and refuses an empty one on stdin', SLOW, async () => {
    const [flag, empty] = await Promise.all([
      mnemo(['users', 'create', 'mallory', '--password', 'in-the-process-list'], admin),
      mnemo(['users', 'create', 'mallory', '--password-stdin'], { ...admin, stdin: '\n' }),
    ]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--password'");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('standard input held no password');
    const users = await ok(callAs<{ users: { name: string }[] }>(t.url, ADMIN_TOKEN, 'GET', '/api/v1/users'));
    expect(users.users.map((u) => u.name)).not.toContain('mallory');
  });

  it('adds and removes team members', SLOW, async () => {
    await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/users', { name: 'bob' }));
    const added = await mnemo(['teams', 'add-member', 'risk', 'bob', '--maintainer'], admin);
    expect(added, added.stderr).toMatchObject({ code: 0, stdout: 'risk: alice, bob (maintainer), ci\n' });
    const listed = await mnemo(['teams', 'list'], admin);
    expect(listed.stdout).toMatch(/^TEAM\s+CREATED\s+MEMBERS\nrisk\s+\S+\s+alice, bob \(maintainer\), ci\n$/);
    const removed = await mnemo(['teams', 'remove-member', 'risk', 'ci'], admin);
    expect(removed, removed.stderr).toMatchObject({ code: 0, stdout: 'risk: alice, bob (maintainer)\n' });
    const teams = await ok(
      callAs<{ teams: { name: string; members: { name: string; maintainer: boolean }[] }[] }>(
        t.url,
        ADMIN_TOKEN,
        'GET',
        '/api/v1/teams',
      ),
    );
    expect(teams.teams).toEqual([
      expect.objectContaining({
        name: 'risk',
        members: [
          { name: 'alice', maintainer: false },
          { name: 'bob', maintainer: true },
        ],
      }),
    ]);
  });

  it('prints only the token on stdout, the details on stderr, and the token then works', SLOW, async () => {
    const created = await mnemo(
      ['tokens', 'create', '--user', 'alice', '--name', 'laptop', '--expires-in', '30d', '--scope', 'read'],
      admin,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^mnemo_[A-Za-z0-9_-]+\n$/);
    const token = created.stdout.trimEnd();
    expect(created.stderr).toMatch(
      /^Created token tok-\S+ 'laptop' for alice \(scope: read, expires \d{4}-.*shown only this once/,
    );
    const session = await callAs<{ user: { name: string } | null }>(t.url, token, 'GET', '/api/v1/auth/session');
    expect(session.body.user?.name).toBe('alice');

    // The user's own token lists its own tokens; the scope and the expiry asked for are what the server recorded.
    const mine = await mnemo(['tokens', 'list', '--json'], as(token));
    expect(mine.code, mine.stderr).toBe(0);
    const [info] = JSON.parse(mine.stdout) as {
      name: string;
      scope: string;
      expiresTime: number;
      createdTime: number;
    }[];
    expect(info).toMatchObject({ name: 'laptop', scope: 'read' });
    expect(info!.expiresTime - info!.createdTime).toBe(30 * 86_400_000);

    const bad = await mnemo(['tokens', 'create', '--user', 'alice', '--expires-in', '30 days'], admin);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain("--expires-in '30 days' is not a lifetime");
  });

  it('a granted role takes effect over HTTP, and its revocation too', SLOW, async () => {
    const token = await tokenFor('alice');
    expect((await readExperiment(token)).status).toBe(403);
    // Managing roles is not for alice: the command says so and exits 3.
    const refused = await mnemo(
      ['permissions', 'grant', 'reader', '--user', 'alice', '--experiment', experimentId],
      as(token),
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('mnemo: permission denied:');
    expect(refused.stderr).toContain('mnemo permissions grant');
    expect((await readExperiment(token)).status).toBe(403);

    const granted = await mnemo(
      ['permissions', 'grant', 'reader', '--user', 'alice', '--experiment', experimentId],
      admin,
    );
    expect(granted, granted.stderr).toMatchObject({
      code: 0,
      stdout: `Granted reader on experiment:${experimentId} to user:alice\n`,
    });
    expect((await readExperiment(token)).status).toBe(200);
    const listed = await mnemo(['permissions', 'list', '--experiment', experimentId], admin);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`\\nreader\\s+user:alice\\s+experiment:${experimentId}\\s+\\d{4}-`));

    const revoked = await mnemo(['permissions', 'revoke', '--user', 'alice', '--experiment', experimentId], admin);
    expect(revoked, revoked.stderr).toMatchObject({ code: 0 });
    expect((await readExperiment(token)).status).toBe(403);
    const after = await mnemo(['permissions', 'list', '--experiment', experimentId, '--json'], admin);
    expect(JSON.parse(after.stdout)).not.toContainEqual(
      expect.objectContaining({ subject: { kind: 'user', name: 'alice' } }),
    );
  });

  it('a role granted to a team reaches its members', SLOW, async () => {
    const bob = await tokenFor('bob');
    expect((await readExperiment(bob)).status).toBe(403);
    const granted = await mnemo(
      ['permissions', 'grant', 'editor', '--team', 'risk', '--experiment', experimentId],
      admin,
    );
    expect(granted, granted.stderr).toMatchObject({ code: 0 });
    expect((await readExperiment(bob)).status).toBe(200);
    await mnemo(['permissions', 'revoke', '--team', 'risk', '--experiment', experimentId], admin);
    expect((await readExperiment(bob)).status).toBe(403);
  });

  it('restricting an experiment shuts out global roles until the restriction is lifted', SLOW, async () => {
    await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/users', { name: 'carol' }));
    const carol = await tokenFor('carol');
    const granted = await mnemo(['permissions', 'grant', 'reader', '--user', 'carol', '--global'], admin);
    expect(granted, granted.stderr).toMatchObject({ code: 0, stdout: 'Granted reader on global to user:carol\n' });
    expect((await readExperiment(carol)).status).toBe(200);
    const restricted = await mnemo(['permissions', 'restrict', '--experiment', experimentId], admin);
    expect(restricted, restricted.stderr).toMatchObject({ code: 0 });
    expect((await readExperiment(carol)).status).toBe(403);
    const lifted = await mnemo(['permissions', 'restrict', '--experiment', experimentId, '--off'], admin);
    expect(lifted, lifted.stderr).toMatchObject({
      code: 0,
      stdout: `experiment ${experimentId} is no longer restricted\n`,
    });
    expect((await readExperiment(carol)).status).toBe(200);
  });

  it(
    'refuses a binding that names no subject, two subjects or no resource before asking the server',
    SLOW,
    async () => {
      const [noSubject, twoSubjects, noResource, badRole] = await Promise.all([
        mnemo(['permissions', 'grant', 'reader', '--global'], admin),
        mnemo(['permissions', 'revoke', '--user', 'alice', '--team', 'risk', '--global'], admin),
        mnemo(['permissions', 'grant', 'reader', '--user', 'alice'], admin),
        mnemo(['permissions', 'grant', 'owner', '--user', 'alice', '--global'], admin),
      ]);
      expect(noSubject).toMatchObject({ code: 2, stderr: 'mnemo: name one of --user, --team\n' });
      expect(twoSubjects).toMatchObject({
        code: 2,
        stderr: 'mnemo: name only one of --user, --team; got --user and --team\n',
      });
      expect(noResource).toMatchObject({
        code: 2,
        stderr: 'mnemo: name one of --experiment, --model, --dataset, --global\n',
      });
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toContain('Allowed choices are reader, editor, manager');
      const bindings = await ok(callAs<{ permissions: unknown[] }>(t.url, ADMIN_TOKEN, 'GET', '/api/v1/permissions'));
      expect(bindings.permissions).not.toContainEqual(
        expect.objectContaining({ resource: { kind: 'global', id: '' }, subject: { kind: 'user', name: 'alice' } }),
      );
    },
  );

  it('deactivating a user stops its token at once; activating brings it back', SLOW, async () => {
    const token = await tokenFor('alice');
    const deactivated = await mnemo(['users', 'deactivate', 'alice'], admin);
    expect(deactivated, deactivated.stderr).toMatchObject({ code: 0, stdout: 'alice is deactivated\n' });
    expect((await callAs(t.url, token, 'GET', '/api/v1/teams')).status).toBe(401);
    const refused = await mnemo(['teams', 'list'], as(token));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("the account 'alice' is deactivated");
    const activated = await mnemo(['users', 'activate', 'alice'], admin);
    expect(activated, activated.stderr).toMatchObject({ code: 0, stdout: 'alice is active\n' });
    expect((await callAs(t.url, token, 'GET', '/api/v1/teams')).status).toBe(200);
  });

  it('a revoked token is refused, and listed as revoked', SLOW, async () => {
    const token = await tokenFor('bob', '--name', 'to-revoke');
    expect((await callAs(t.url, token, 'GET', '/api/v1/teams')).status).toBe(200);
    const listed = JSON.parse((await mnemo(['tokens', 'list', '--user', 'bob', '--json'], admin)).stdout) as {
      id: string;
      name: string;
    }[];
    const id = listed.find((k) => k.name === 'to-revoke')!.id;
    const revoked = await mnemo(['tokens', 'revoke', id], admin);
    expect(revoked, revoked.stderr).toMatchObject({ code: 0, stdout: `Revoked token ${id} 'to-revoke' of bob\n` });
    expect((await callAs(t.url, token, 'GET', '/api/v1/teams')).status).toBe(401);
    const table = await mnemo(['tokens', 'list', '--user', 'bob'], admin);
    expect(table.stdout).toMatch(
      new RegExp(`^${id}\\s+to-revoke\\s+bob\\s+-\\s+\\S+\\s+never\\s+\\S+\\s+revoked \\d{4}-`, 'm'),
    );
  });
});
