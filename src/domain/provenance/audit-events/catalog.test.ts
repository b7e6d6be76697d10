import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENTS, type AuditRecord, auditActionsOf, isAuditAction } from './catalog.js';
import { recordedStateVersion } from './state-version.js';

const SRC = join(import.meta.dirname, '..', '..', '..');
const CATALOG = join(import.meta.dirname, 'catalog.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A dotted lower-case name in quotes, the way audit actions are spelled: 'run.log_batch'. */
const DOTTED_NAME = /'([a-z_]+(?:\.[a-z_]+)+)'/g;
const files = sourceFiles(SRC).filter((file) => file !== CATALOG);
const texts = new Map(files.map((file) => [relative(SRC, file), readFileSync(file, 'utf8')]));
/** Tables of the store: 'audit_events.action' in a query is a column, not an action. */
const TABLES = new Set(
  [...texts]
    .filter(([file]) => /^store\/schema[\w-]*\.ts$/.test(file))
    .flatMap(([, text]) => [...text.matchAll(/^\s+(\w+): (?:\w+Table|\w+\['\w+'\]);$/gm)].map((m) => m[1]!)),
);

describe('the audit event catalog', () => {
  it('is the only place an action is named: every action a line of src/ speaks of is in it', () => {
    const unknown: string[] = [];
    for (const [file, text] of texts) {
      text.split('\n').forEach((line, i) => {
        if (!/action/i.test(line)) return;
        for (const [, name] of line.matchAll(DOTTED_NAME)) {
          if (TABLES.has(name!.split('.')[0]!)) continue;
          if (!isAuditAction(name!)) unknown.push(`${file}:${i + 1}: '${name}'`);
        }
      });
    }
    expect(unknown).toEqual([]);
  });

  it('knows the tables of the store, so their columns are told from actions', () => {
    expect(TABLES).toContain('audit_events');
    expect(TABLES).toContain('lineage_deployments');
  });

  it('names no action that nothing records', () => {
    const all = [...texts.values()].join('\n');
    const unwritten = Object.keys(AUDIT_EVENTS).filter((action) => !all.includes(`'${action}'`));
    expect(unwritten).toEqual([]);
  });

  it('is not bypassed: no source casts its way to an audit record', () => {
    const casts = [...texts].filter(([, text]) => /as (unknown as )?AuditRecord\b/.test(text)).map(([file]) => file);
    expect(casts).toEqual([]);
  });

  it('lists the actions of an entity kind, a kind several actions share included', () => {
    expect(auditActionsOf('deployment')).toEqual(['lineage.deployment.create', 'lineage.deployment.update']);
    expect(auditActionsOf('artifact')).toEqual(['artifact.upload', 'artifact.delete']);
    expect(auditActionsOf('run')).toContain('artifact.upload');
    expect(isAuditAction('run.log_batch')).toBe(true);
    expect(isAuditAction('run.teleport')).toBe(false);
    expect(isAuditAction('toString')).toBe(false);
  });
});

describe('recordedStateVersion', () => {
  it('reads a state without a version, as every state before the catalog was written, as version 1', () => {
    expect(recordedStateVersion({ deploymentId: 'd', status: 'ACTIVE' })).toBe(1);
    expect(recordedStateVersion([{ name: 'train' }])).toBe(1);
    expect(recordedStateVersion(null)).toBe(1);
    expect(recordedStateVersion({ stateVersion: 'two' })).toBe(1);
    expect(recordedStateVersion({ stateVersion: 2, status: 'ACTIVE' })).toBe(2);
  });
});

// Checked by `npm run typecheck`: each line below must stay a compile error, or the catalog no longer guards writers.
const wrongPairs: AuditRecord[] = [
  // @ts-expect-error an action the catalog does not have
  { action: 'run.teleport', entityKind: 'run', entityId: 'r', state: { runId: 'r' } },
  // @ts-expect-error a real action filed under a kind it is not recorded for
  { action: 'lineage.deployment.update', entityKind: 'run', entityId: 'd', state: deployment() },
  // @ts-expect-error a real action and kind with the state of another action
  { action: 'lineage.deployment.update', entityKind: 'deployment', entityId: 'd', state: { deleted: true } },
];
void wrongPairs;

function deployment() {
  return {
    deploymentId: 'd',
    nodeId: 'deployment:d',
    modelVersionNodeId: 'model_version:m/1',
    targetId: 't',
    status: 'ACTIVE',
    deployedTime: 1,
    updatedTime: 1,
  };
}
const rightPair: AuditRecord = {
  action: 'lineage.deployment.update',
  entityKind: 'deployment',
  entityId: 'd',
  state: deployment(),
};
void rightPair;
