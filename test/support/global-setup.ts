import type { TestProject } from 'vitest/node';
import { buildDatabaseTemplates } from './database-templates.js';

/** Builds the migrated database templates the integration tests copy, and drops them when the run ends. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { templates, dispose } = await buildDatabaseTemplates(process.env.MNEMO_TEST_POSTGRES_URL);
  project.provide('databaseTemplates', templates);
  return dispose;
}
