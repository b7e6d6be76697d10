import { Command } from 'commander';
import { Mnemo, type RunDiff } from '../sdk/index.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson, printTable } from './output.js';

interface DiffOptions {
  trackingUri: string;
  json?: boolean;
}

/** `mnemo diff RUN_A RUN_B`: the server's comparison of two runs, as tables or JSON. Reads only. */
export function diffCommand(): Command {
  return new Command('diff')
    .description(
      'Compare two runs: params, metrics (final and best; best is the lowest for keys naming a loss or an error, ' +
        'the highest otherwise), tags, code, environment packages and data inputs',
    )
    .addOption(trackingUriOption())
    .option('--json', 'print the comparison as JSON')
    .argument('<runA>', 'the run compared from')
    .argument('<runB>', 'the run compared to')
    .action(async (runA: string, runB: string, options: DiffOptions) => {
      const mnemo = new Mnemo({ url: options.trackingUri, token: clientToken(), retry: { attempts: 1 } });
      const diff = await mnemo.diffRuns(runA, runB);
      if (options.json) printJson(diff);
      else printDiff(diff);
    });
}

function printDiff(diff: RunDiff): void {
  console.log(`run A ${diff.a}\nrun B ${diff.b}`);
  if (diff.identical) {
    console.log('\nThe runs do not differ in params, metrics, tags, code, environment or data.');
    return;
  }
  section(
    'Params',
    ['PARAM', 'A', 'B'],
    diff.params.map((c) => [c.key, shown(c.a), shown(c.b)]),
  );
  section(
    'Metrics',
    ['METRIC', 'FINAL A', 'FINAL B', 'Δ FINAL', 'BEST', 'BEST A', 'BEST B', 'Δ BEST'],
    diff.metrics.map((m) => [
      m.key,
      shown(m.final.a),
      shown(m.final.b),
      signed(m.final.delta),
      m.direction,
      shown(m.best.a),
      shown(m.best.b),
      signed(m.best.delta),
    ]),
  );
  section(
    'Tags',
    ['TAG', 'A', 'B'],
    diff.tags.map((c) => [c.key, shown(c.a), shown(c.b)]),
  );
  section(
    'Code',
    ['FIELD', 'A', 'B'],
    diff.code.map((c) => [c.field, shown(c.a), shown(c.b)]),
  );
  if (diff.environment) {
    const { a, b, packages } = diff.environment;
    const rows = [
      ...(a !== b ? [['(environment)', shown(a), shown(b)]] : []),
      ...packages.added.map((p) => [p.name, '-', p.version]),
      ...packages.removed.map((p) => [p.name, p.version, '-']),
      ...packages.changed.map((p) => [p.name, p.a, p.b]),
    ];
    section('Environment', ['PACKAGE', 'A', 'B'], rows);
  }
  section(
    'Data inputs',
    ['INPUT', 'A', 'B'],
    diff.data.map((c) => [c.key, shown(c.a), shown(c.b)]),
  );
}

/** A titled table, or nothing at all when the section has no differences. */
function section(title: string, headers: string[], rows: string[][]): void {
  if (rows.length === 0) return;
  console.log(`\n${title}`);
  printTable(headers, rows);
}

const shown = (value: string | number | null): string => (value === null ? '-' : String(value));
const signed = (value: number | null): string =>
  value === null ? '' : value > 0 ? `+${Number(value.toPrecision(6))}` : String(Number(value.toPrecision(6)));
