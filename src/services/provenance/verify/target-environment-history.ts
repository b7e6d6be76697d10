import { parseRecordedState } from '../../../domain/provenance/run-expectations.js';
import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { actionEventsAfter, entitiesWithActionAfter } from '../../../store/readers/audit-event-reads.js';
import {
  environmentTargetsAfter,
  environmentVersionsAfter,
  LOWEST_VERSION,
  targetNamesOf,
  targetsWithEnvironmentVersions,
} from '../../../store/readers/dependency-reads.js';
import type { TargetEnvironmentVersionsTable } from '../../../store/schema-dependencies.js';
import type { Executor } from '../../../store/store.js';
import { isObject } from './recorded-state.js';

const SET_ENVIRONMENT = 'lineage.deployment_target.set_environment';
const TARGETS = 100;
const PAGE = 500;

interface SetEvent {
  seq: number;
  entityId: string;
  /** The environment the event set, or undefined when its state was not kept. */
  environmentId: string | undefined;
  /** The report format and time of the version the event made; older events did not record them. */
  sourceFormat: string | undefined;
  setTime: number | undefined;
}

/**
 * Each version of a target's environment is written with a `set_environment` event recording the environment the
 * target then had, and numbered after the last: so a target's versions 1, 2, 3… must be, one for one, the
 * environments its events set, in order. A version whose environment differs was changed, one beyond or beside
 * the events was inserted, and an event whose version is gone lost its row. Events that record the version they made
 * (its report format and time) have those compared too. Targets are read a hundred at a time,
 * their versions and events a page at a time, side by side. Returns how many versions were checked.
 */
export async function verifyTargetEnvironmentHistories(
  db: Executor,
  problems: ProblemLog,
  /** How many targets, and how many versions or events, are read at a time. */
  sizes: { targets: number; page: number } = { targets: TARGETS, page: PAGE },
): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const targets = await environmentTargetsAfter(db, after, sizes.targets);
    if (targets.length === 0) break;
    checked += await checkTargets(db, targets, problems, sizes.page);
    after = targets.at(-1)!;
  }
  // Targets whose events set environments but that have no version left at all.
  after = '';
  for (;;) {
    const targets = await entitiesWithActionAfter(db, 'deployment_target', SET_ENVIRONMENT, after, sizes.targets);
    if (targets.length === 0) break;
    const withVersions = await targetsWithEnvironmentVersions(db, targets);
    const bare = targets.filter((id) => !withVersions.has(id));
    if (bare.length > 0) await checkTargets(db, bare, problems, sizes.page);
    after = targets.at(-1)!;
  }
  return checked;
}

/** Walks the versions and events of these targets (in the order the database sorts their ids) side by side. */
async function checkTargets(db: Executor, targetIds: string[], problems: ProblemLog, page: number): Promise<number> {
  const names = await targetNamesOf(db, targetIds);
  const versions = new PagedStream<TargetEnvironmentVersionsTable>(page, (last) =>
    environmentVersionsAfter(
      db,
      targetIds,
      last ? { targetId: last.target_id, version: Number(last.version) } : { targetId: '', version: LOWEST_VERSION },
      page,
    ),
  );
  const events = new PagedStream<SetEvent>(page, async (last) =>
    (
      await actionEventsAfter(
        db,
        'deployment_target',
        targetIds,
        SET_ENVIRONMENT,
        last ? { entityId: last.entityId, seq: last.seq } : { entityId: '', seq: 0 },
        page,
      )
    ).map((row) => {
      const state = parseRecordedState(row.state);
      const environmentId =
        isObject(state) && typeof state.environmentId === 'string' ? state.environmentId : undefined;
      const made = isObject(state) && isObject(state.environmentVersion) ? state.environmentVersion : {};
      return {
        seq: Number(row.seq),
        entityId: row.entity_id,
        environmentId,
        sourceFormat: typeof made.sourceFormat === 'string' ? made.sourceFormat : undefined,
        setTime: typeof made.setTime === 'number' ? made.setTime : undefined,
      };
    }),
  );
  let checked = 0;
  for (const targetId of targetIds) {
    const name = names.get(targetId);
    const label = (version: number) =>
      `deployment target ${name === undefined ? targetId : `'${name}' (${targetId})`} environment version ${version}`;
    const nextVersion = async () => {
      const row = await versions.peek();
      if (row === undefined || row.target_id !== targetId) return undefined;
      versions.take();
      checked += 1;
      return row;
    };
    const inserted = (row: TargetEnvironmentVersionsTable) =>
      problems.add({
        seq: null,
        kind: 'entity-unrecorded',
        message: `${label(Number(row.version))} has no audit record: it was inserted directly`,
      });
    let row = await nextVersion();
    let position = 0;
    for (let event = await events.peek(); event?.entityId === targetId; event = await events.peek()) {
      events.take();
      position += 1;
      while (row !== undefined && Number(row.version) < position) {
        inserted(row);
        row = await nextVersion();
      }
      if (row === undefined || Number(row.version) !== position) {
        problems.add({
          seq: event.seq,
          kind: 'entity-missing',
          message: `${label(position)}, set by event ${event.seq}, was deleted from the database`,
        });
        continue;
      }
      const changes: string[] = [];
      if (event.environmentId !== undefined && event.environmentId !== row.environment_id) {
        changes.push(`environment is ${row.environment_id} but the event set ${event.environmentId}`);
      }
      // Compared only with events that record them (older ones did not).
      if (event.sourceFormat !== undefined && event.sourceFormat !== row.source_format) {
        changes.push(`source_format is '${row.source_format}' but the event recorded '${event.sourceFormat}'`);
      }
      if (event.setTime !== undefined && event.setTime !== Number(row.set_time)) {
        changes.push(`set_time is ${Number(row.set_time)} but the event recorded ${event.setTime}`);
      }
      if (changes.length > 0) {
        problems.add({
          seq: event.seq,
          kind: 'entity-changed',
          message: `${label(position)} was changed after event ${event.seq}: ${changes.join('; ')}`,
        });
      }
      row = await nextVersion();
    }
    for (; row !== undefined; row = await nextVersion()) inserted(row);
  }
  return checked;
}

/** Rows read a page at a time, looked at one at a time: each page starts after the last row of the one before. */
class PagedStream<T> {
  private page: T[] = [];
  private index = 0;
  private exhausted = false;

  constructor(
    private readonly limit: number,
    private readonly read: (last: T | undefined) => Promise<T[]>,
  ) {}

  async peek(): Promise<T | undefined> {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.exhausted) return undefined;
    const next = await this.read(this.page.at(-1));
    this.exhausted = next.length < this.limit;
    this.page = next;
    this.index = 0;
    return next[0];
  }

  take(): void {
    this.index += 1;
  }
}
