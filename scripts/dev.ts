import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run dev`: the server under `tsx watch` (restarted when a source file it loads changes) and Vite's dev server
 * for the UI (hot reload), which proxies the API to that server. Both stop together: on Ctrl-C, on a signal, or when
 * either exits. The server takes its usual MNEMO_* settings; MNEMO_UI_PORT picks Vite's port (default 5173).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const apiPort = process.env.MNEMO_PORT ?? '5000';
const uiPort = process.env.MNEMO_UI_PORT ?? '5173';
const env = { ...process.env, MNEMO_API_URL: process.env.MNEMO_API_URL ?? `http://127.0.0.1:${apiPort}` };

const children: ChildProcess[] = [
  spawn(bin('tsx'), ['watch', '--clear-screen=false', 'src/cli/main.ts', 'server'], {
    cwd: root,
    env,
    stdio: 'inherit',
  }),
  spawn(bin('vite'), ['--config', 'web/vite.config.ts', '--host', '127.0.0.1', '--port', uiPort, '--strictPort'], {
    cwd: root,
    env,
    stdio: 'inherit',
  }),
];

let stopping = false;
function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

for (const child of children) {
  child.on('exit', (code, signal) => stopAll(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(error.message);
    stopAll(1);
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(0));
