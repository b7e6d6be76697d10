import { statSync } from 'node:fs';
import { clip } from './capture-recorder.js';
import type { CodeState } from './code-capture.js';

/** Tags naming what ran: the command line, the script and the commit, set when the run is created. */
export function sourceTags(argv: string[], code: CodeState | undefined): Record<string, string> {
  const tags: Record<string, string> = {
    'mnemo.command': clip(shellJoin(argv)),
    'mlflow.source.name': clip(sourceName(argv)),
    'mlflow.source.type': 'LOCAL',
  };
  if (code) {
    tags['mlflow.source.git.commit'] = code.commit;
    tags['mlflow.source.git.branch'] = code.branch;
    tags['mnemo.source.git.dirty'] = String(code.dirty);
  }
  return tags;
}

/**
 * What MLflow calls the source: the script being run. For `python train.py` that is train.py, the first
 * argument naming an existing file; for a program run on its own, the program.
 */
function sourceName(argv: string[]): string {
  const script = argv.slice(1).find((arg) => !arg.startsWith('-') && isFile(arg));
  return script ?? argv[0] ?? '';
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The command line as a POSIX shell would need it typed, so it can be copied and run again. */
function shellJoin(argv: string[]): string {
  return argv.map((arg) => (/^[\w./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
