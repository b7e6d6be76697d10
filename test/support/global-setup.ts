import type { TestProject } from 'vitest/node';
import { buildCliBundle } from './cli-bundle.js';
import { buildDatabaseTemplates } from './database-templates.js';

/**
 * Builds the migrated database templates the integration tests copy (dropped when the run ends), and the CLI bundle
 * the tests that start `mnemo` as a child process run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [{ templates, dispose }] = await Promise.all([
    buildDatabaseTemplates(process.env.MNEMO_TEST_POSTGRES_URL),
    buildCliBundle(),
  ]);
  project.provide('databaseTemplates', templates);
  return dispose;
}
