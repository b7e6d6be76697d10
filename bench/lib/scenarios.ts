import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './scenario.js';

/** Every file in bench/scenarios/ is a scenario: adding one is adding a file, nothing to register. */
export async function loadScenarios(directory: string): Promise<Scenario[]> {
  const files = (await readdir(directory)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(directory, file)).href)) as { default?: Scenario };
    if (!module.default?.run) throw new Error(`bench/scenarios/${file} has no default export of a Scenario`);
    scenarios.push(module.default);
  }
  return scenarios.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
