import { beforeEach, describe, expect, it, vi } from 'vitest';

// Which texts are named is process-wide state: each test loads the module afresh so that it starts with none.
let statementNameOf: typeof import('./named-statements.js')['statementNameOf'];
beforeEach(async () => {
  vi.resetModules();
  ({ statementNameOf } = await import('./named-statements.js'));
});

/** Distinct texts, as IN lists of every length make them. */
const text = (i: number) => `select * from runs where run_id = ? or step < ${i}`;
/** Runs a text until it is named (three times), and returns its name. */
const runUntilNamed = (sqlText: string) => [1, 2, 3].map(() => statementNameOf(sqlText)).at(-1);

describe('statementNameOf', () => {
  it('names a single statement on its third run, and never one holding several', () => {
    expect(statementNameOf(text(0))).toBeUndefined();
    expect(statementNameOf(text(0))).toBeUndefined();
    expect(statementNameOf(text(0))).toMatch(/^frequent_[0-9a-f]{16}$/);
    expect(runUntilNamed('begin; set local max_parallel_workers_per_gather = 0')).toBeUndefined();
  });

  it('still names what runs now after thousands of distinct texts were named over a long uptime', () => {
    for (let i = 0; i < 1_000; i++) expect(runUntilNamed(text(i))).toBeDefined();
    const hot = 'select * from experiments where name = $1';
    expect(runUntilNamed(hot)).toMatch(/^frequent_/);
    // What is used keeps its name while new texts keep arriving; what is no longer used gives way.
    for (let i = 1_000; i < 2_000; i++) {
      runUntilNamed(text(i));
      expect(statementNameOf(hot)).toMatch(/^frequent_/);
    }
    expect(statementNameOf(text(0))).toBeUndefined();
  });

  it('still counts new texts after many were seen only once', () => {
    for (let i = 0; i < 10_000; i++) statementNameOf(text(i));
    expect(runUntilNamed('select * from experiments where experiment_id = $1')).toMatch(/^frequent_/);
  });
});
