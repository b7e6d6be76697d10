import type { AuditAction, AuditEntityKind } from '../../../domain/provenance/audit-events/catalog.js';
import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import type { Executor } from '../../../store/store.js';
import { type EntityEvent, vanishedEntities } from './entity-events.js';
import { latestEvents } from './latest-events.js';
import { comparable, isObject } from './recorded-state.js';

const PAGE = 200;

/** How the rows of one kind of entity are read and matched with the states their events recorded. */
export interface RecordedRowKind<Row> {
  /** The entity kind its audit events carry. */
  entityKind: AuditEntityKind;
  /** What a problem calls an entity of this kind whose row is gone, before its id: `dataset`, `lineage edge`. */
  noun: string;
  /** The next page of rows in a fixed key order, after the last row of the previous page (none for the first). */
  page(db: Executor, after: Row | undefined, limit: number): Promise<Row[]>;
  entityId(row: Row): string;
  /** What a problem calls the row: `dataset 'lake/orders' (…)`. */
  label(row: Row): string;
  /** The row in the shape its events record. May throw when a stored JSON column no longer parses. */
  current(row: Row): object;
  /** The part of an event's state that describes the row, when that is not the whole state. */
  recorded?(state: Record<string, unknown>): Record<string, unknown>;
  /** Fields events written by older servers lack: compared only with states that have them. */
  recordedSince?: readonly string[];
  /** Fields a state holds that are not the row's own (checked with another kind): never compared here. */
  checkedElsewhere?: readonly string[];
  /** The action that deletes an entity of this kind, when one can be deleted. */
  deleteAction?: AuditAction;
  /** Which of these entity ids still have a row. */
  present(db: Executor, entityIds: string[]): Promise<Set<string>>;
  /**
   * Entity ids of rows without an event of their own that older servers wrote as part of another audited change,
   * so they are not reported as inserted directly.
   */
  accountedFor?(db: Executor, rows: Row[]): Promise<Set<string>>;
  /** Further checks of a page against the latest event of each row (undefined for a row the log never recorded). */
  checkPage?(db: Executor, page: { row: Row; latest: EntityEvent | undefined }[], problems: ProblemLog): Promise<void>;
}

/**
 * Checks every row of a kind against the latest event of its entity, a page at a time: a row whose content differs
 * from the state that event recorded was changed behind the log (named by field); a row no event recorded was
 * inserted directly; a row whose latest event deleted it should be gone; and an entity the log recorded and never
 * deleted must still have its row. Returns how many rows were checked.
 */
export async function verifyRecordedRows<Row>(
  db: Executor,
  problems: ProblemLog,
  kind: RecordedRowKind<Row>,
): Promise<number> {
  let checked = 0;
  let after: Row | undefined;
  for (;;) {
    const rows = await kind.page(db, after, PAGE);
    if (rows.length === 0) break;
    checked += rows.length;
    const latest = await latestEvents(db, kind.entityKind, rows.map(kind.entityId));
    const unrecorded = rows.filter((row) => !latest.has(kind.entityId(row)));
    const accounted =
      unrecorded.length > 0 && kind.accountedFor ? await kind.accountedFor(db, unrecorded) : new Set<string>();
    for (const row of rows) {
      const id = kind.entityId(row);
      const event = latest.get(id);
      if (event) checkRow(kind, row, event, problems);
      else if (!accounted.has(id)) {
        problems.add({
          seq: null,
          kind: 'entity-unrecorded',
          message: `${kind.label(row)} has no audit record: it was inserted directly`,
        });
      }
    }
    await kind.checkPage?.(
      db,
      rows.map((row) => ({ row, latest: latest.get(kind.entityId(row)) })),
      problems,
    );
    after = rows.at(-1);
  }
  const rightlyGone = async (ids: string[]) => {
    const present = await kind.present(db, ids);
    if (kind.deleteAction === undefined) return present;
    const missing = ids.filter((id) => !present.has(id));
    for (const [id, event] of await latestEvents(db, kind.entityKind, missing)) {
      if (event.action === kind.deleteAction) present.add(id);
    }
    return present;
  };
  for await (const gone of vanishedEntities(db, kind.entityKind, rightlyGone)) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `${kind.noun} ${gone.entityId}, created by event ${gone.seq}, was deleted from the database`,
    });
  }
  return checked;
}

function checkRow<Row>(kind: RecordedRowKind<Row>, row: Row, event: EntityEvent, problems: ProblemLog): void {
  const label = kind.label(row);
  if (event.action === kind.deleteAction) {
    problems.add({
      seq: event.seq,
      kind: 'entity-changed',
      message: `${label} was deleted by event ${event.seq} but its row is in the database`,
    });
    return;
  }
  // A state the log did not keep (older events) cannot be compared; the event's existence still counts.
  if (!isObject(event.state)) return;
  const recorded = kind.recorded ? kind.recorded(event.state) : event.state;
  let current: object;
  try {
    current = kind.current(row);
  } catch (error) {
    problems.add({
      seq: event.seq,
      kind: 'entity-changed',
      message: `${label} was edited: its stored columns do not parse (${(error as Error).message})`,
    });
    return;
  }
  const notRecorded = (kind.recordedSince ?? []).filter((field) => !(field in recorded));
  const differences = describeDifferences(
    comparable(recorded, kind.checkedElsewhere ?? []),
    comparable(current, [...(kind.checkedElsewhere ?? []), ...notRecorded]),
  );
  if (differences.length > 0) {
    problems.add({
      seq: event.seq,
      kind: 'entity-changed',
      message: `${label} was changed after event ${event.seq}: ${differences.join('; ')}`,
    });
  }
}
