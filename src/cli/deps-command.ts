import { Command } from 'commander';
import { DependencyClient, type FileSpotJson, type PackageChangeJson } from '../sdk/dependencies.js';
import { EXIT } from './failure.js';
import { clientToken, trackingUriOption } from './options.js';
import { printJson } from './output.js';

const client = (trackingUri: string) =>
  new DependencyClient({
    url: trackingUri,
    token: clientToken(),
    retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
  });

function versionNumber(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`--version must be a positive integer; got '${text}'`);
  return Number(text);
}

/** `numpy==2.1.0`, `npm:left-pad==1.3.0`, `python==3.12.1` (python and cuda are runtimes). */
export function parseChange(text: string): PackageChangeJson {
  const match = /^([^=\s]+)==([^=\s]+)$/.exec(text.trim());
  if (!match) throw new Error(`--set takes <package>==<version> (npm:<package>==<version> for npm); got '${text}'`);
  const [, name = '', version = ''] = match;
  if (name.startsWith('npm:')) return { kind: 'npm', name: name.slice(4), version };
  if (name === 'python' || name === 'cuda') return { kind: 'runtime', name, version };
  return { kind: 'pypi', name: name.toLowerCase().replace(/[-_.]+/g, '-'), version };
}

/** `--package numpy` or `--package npm:left-pad`: the package and its ecosystem, as the dependency routes take them. */
function packageOption(text: string): { package: string; kind: 'pypi' | 'npm' } {
  return text.startsWith('npm:') ? { package: text.slice(4), kind: 'npm' } : { package: text, kind: 'pypi' };
}

/**
 * `mnemo deps`: what a model version needs and how it fares on a target. `check` exits 0 when compatible, 1 when
 * not (every violated constraint printed), 2 on error; `what-if` exits 1 when the change would break a deployment.
 */
export function depsCommand(): Command {
  const deps = new Command('deps').description('Dependencies of model versions, checked against deployment targets');

  deps
    .command('show')
    .description("A model version's declared dependencies, and declarations that disagree")
    .requiredOption('--model <name>', 'registered model')
    .requiredOption('--version <n>', 'model version')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(async (o: { model: string; version: string; json?: boolean; trackingUri: string }) => {
      const shown = await client(o.trackingUri).show(o.model, versionNumber(o.version));
      if (o.json) return printJson(shown);
      console.log(
        `${shown.model} v${shown.version}: ${shown.dependencies.length} declared (${shown.origin ?? 'none yet'})`,
      );
      for (const d of shown.dependencies) {
        const where = sourceLabel(d.source);
        console.log(
          `  ${d.kind.padEnd(7)} ${d.name} ${d.columns ? `reads ${d.columns.join(', ')}` : d.specifier || '(any)'}${d.marker ? ` ; ${d.marker}` : ''}  [${where}]`,
        );
      }
      for (const c of shown.conflicts) {
        const sides = c.declarations.map((x) => `${x.specifier || '(any)'} in ${sourceLabel(x.source)}`);
        console.log(`  ! ${c.package} is declared differently: ${sides.join(' vs ')}`);
      }
    });

  deps
    .command('check')
    .description('Is a model version compatible with a target? Exit 0 yes, 1 no (with every reason), 2 error')
    .requiredOption('--model <name>', 'registered model')
    .requiredOption('--version <n>', 'model version')
    .requiredOption('--target <name>', 'deployment target')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(async (o: { model: string; version: string; target: string; json?: boolean; trackingUri: string }) => {
      const result = await client(o.trackingUri).check(o.model, versionNumber(o.version), o.target);
      if (o.json) printJson(result);
      else {
        const verdict = result.compatible ? 'compatible with' : 'NOT compatible with';
        console.log(`${result.model} v${result.version} is ${verdict} ${result.target}`);
        for (const v of result.violations) {
          console.log(`  ✗ ${v.package} ${v.specifier || '(any)'}: found ${v.found ?? 'nothing'} — ${v.why}`);
        }
        for (const u of result.unchecked)
          console.log(`  ? ${u.package} ${u.specifier} only when ${u.marker} (not checked)`);
      }
      process.exitCode = result.compatible ? EXIT.ok : EXIT.checkFailed;
    });

  deps
    .command('what-if')
    .description('Which deployments would an upgrade break? Exit 0 none, 1 some (listed), 2 error')
    .option('--target <name>', 'deployment target')
    .option('--all-targets', 'ask about every target')
    .option('--set <package==version>', 'a change (repeat for several)', (v: string, all: string[]) => [...all, v], [])
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(
      async (o: { target?: string; allTargets?: boolean; set: string[]; json?: boolean; trackingUri: string }) => {
        if ((o.target === undefined) === (o.allTargets === undefined)) {
          throw new Error('name one target with --target <name>, or ask about all with --all-targets');
        }
        if (o.set.length === 0) throw new Error('say what changes with --set <package>==<version>');
        const answer = await client(o.trackingUri).whatIf({
          ...(o.target === undefined ? { allTargets: true } : { target: o.target }),
          changes: o.set.map(parseChange),
        });
        if (o.json) printJson(answer);
        else {
          console.log(`${answer.breaks.length} deployment(s) would break across ${answer.targetsChecked} target(s)`);
          for (const b of answer.breaks) {
            const already = b.newlyBroken ? '' : ' (already broken)';
            console.log(
              `  ✗ ${b.target}: ${b.model} v${b.version} needs ${b.violation.package} ${b.violation.specifier}${already}`,
            );
          }
        }
        process.exitCode = answer.breaks.length === 0 ? EXIT.ok : EXIT.checkFailed;
      },
    );

  deps
    .command('resolve')
    .description('The newest seen version of each package that keeps every model on a target compatible')
    .requiredOption('--target <name>', 'deployment target')
    .option('--pre', 'consider pre-releases')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(async (o: { target: string; pre?: boolean; json?: boolean; trackingUri: string }) => {
      const result = await client(o.trackingUri).resolve(o.target, { pre: o.pre ?? false });
      if (o.json) printJson(result);
      else {
        for (const p of result.packages) {
          const verdict = p.newest === null ? 'no seen version fits every model' : p.newest;
          console.log(`  ${p.package}: ${p.current} → ${verdict}`);
        }
        if (result.gaveUp) console.log(`gave up at ${result.gaveUp.atPackage} (${result.gaveUp.reason} limit reached)`);
      }
      process.exitCode = result.gaveUp === null ? EXIT.ok : EXIT.checkFailed;
    });

  deps
    .command('dependents')
    .description(
      'Which model versions and deployments depend on a package at versions in a range? Exit 0 none, 1 some, 2 error',
    )
    .requiredOption('--package <name>', 'package (npm:<name> for an npm package)')
    .requiredOption('--specifier <spec>', 'the versions asked about: a PEP 440 specifier or an npm range (e.g. <2.0)')
    .option('--stage <stage>', 'only model versions in this stage (e.g. Production)')
    .option('--alias <alias>', 'only model versions holding this alias')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(
      async (o: {
        package: string;
        specifier: string;
        stage?: string;
        alias?: string;
        json?: boolean;
        trackingUri: string;
      }) => {
        const answer = await client(o.trackingUri).dependents({
          ...packageOption(o.package),
          specifier: o.specifier,
          stage: o.stage,
          alias: o.alias,
        });
        if (o.json) printJson(answer);
        else {
          const { name, specifier } = answer.package;
          console.log(
            `${answer.modelVersions.length} model version(s) depend on ${name} ${specifier}; ` +
              `${answer.affectedDeployments.length} deployment(s) run an affected version`,
          );
          for (const v of answer.modelVersions) {
            const declared = v.declarations
              .filter((d) => d.affectedWitness !== null)
              .map((d) => `declares ${d.specifier || '(any)'}`);
            console.log(`  ${v.model} v${v.version} [${v.stage}] ${declared.join(', ')}`.trimEnd());
            for (const d of v.deployments.filter((x) => x.installedAffected)) {
              console.log(`    ✗ deployed on ${d.target} with ${name} ${d.installed}`);
            }
          }
        }
        process.exitCode = answer.modelVersions.length === 0 ? EXIT.ok : EXIT.checkFailed;
      },
    );

  deps
    .command('impact')
    .description(
      'Which model versions declare a package in a range of versions, and which targets and deployments run one? ' +
        'Exit 0 none, 1 some, 2 error',
    )
    .requiredOption('--package <name>', 'package (npm:<name> for an npm package)')
    .requiredOption('--range <versions>', 'the affected versions: a PEP 440 specifier or an npm range (e.g. <2.0)')
    .option('--stage <stage>', 'only model versions in this stage (e.g. Production)')
    .option('--alias <alias>', 'only model versions holding this alias')
    .option('--json', 'print the answer as JSON')
    .addOption(trackingUriOption())
    .action(
      async (o: {
        package: string;
        range: string;
        stage?: string;
        alias?: string;
        json?: boolean;
        trackingUri: string;
      }) => {
        const answer = await client(o.trackingUri).impact({
          ...packageOption(o.package),
          versions: o.range,
          stage: o.stage,
          alias: o.alias,
        });
        if (o.json) printJson(answer);
        else {
          const { name } = answer.package;
          console.log(
            `${name} ${answer.versions}: ${answer.modelVersions.length} model version(s) admit it, ` +
              `${answer.targets.length} target(s) and ${answer.deployments.length} deployment(s) run it`,
          );
          for (const v of answer.modelVersions) {
            const declared = v.declarations.filter((d) => d.witness !== null);
            const why = declared.map((d) => `${d.specifier || '(any)'} admits ${d.witness}`).join(', ');
            console.log(`  ${v.model} v${v.version} [${v.stage}] declares ${why}`);
          }
          for (const t of answer.targets) console.log(`  target ${t.target} runs ${name} ${t.installed}`);
          for (const d of answer.deployments) {
            console.log(`  ✗ ${d.model} v${d.version} [${d.stage}] deployed on ${d.target} (${name} ${d.installed})`);
          }
        }
        const touched = answer.modelVersions.length + answer.targets.length + answer.deployments.length;
        process.exitCode = touched === 0 ? EXIT.ok : EXIT.checkFailed;
      },
    );

  return deps;
}

/** `requirements.txt:3`, `api`, or `run_environment of run <id>` for what the source run's environment declared. */
function sourceLabel(source: FileSpotJson): string {
  if (source.file === 'api') return 'api';
  if (source.file === 'run_environment') return `run_environment of run ${source.runId ?? '?'}`;
  return `${source.file}:${source.line}`;
}
