import { recomputeEventHash, type StoredAuditEvent } from '../../../domain/provenance/audit-event.js';
import { checkpointProblem, type SignedCheckpoint } from '../../../domain/provenance/checkpoint.js';
import { MerkleFrontier, type MerkleNode } from '../../../domain/provenance/merkle-frontier.js';
import { keyIdOf, publicKeyFromRaw } from '../../../domain/provenance/signing-key.js';
import type { TrustedKeys } from '../../../domain/provenance/trusted-keys.js';
import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { readAuditHead, statesFromSeq } from '../../../store/repositories/provenance/audit-event-repository.js';
import { auditLogPage, type WalkedAuditEvent } from '../../../store/repositories/provenance/audit-log-walk.js';
import { checkpointsPage } from '../../../store/repositories/provenance/checkpoint-repository.js';
import { listSigningKeys } from '../../../store/repositories/provenance/signing-key-repository.js';
import type { Executor } from '../../../store/store.js';
import { DIGEST_STRIDE, LogDigester, type PageDigests } from './log-digests.js';
import { checkStoredNodes } from './merkle-node-check.js';

const GENESIS = '0'.repeat(64);
const PAGE = 2000;
/** How far from its position a moved event is looked for when naming a re-ordering. */
const MOVE_WINDOW = 256;

/**
 * Walks the whole log once in seq order, in pages, holding only the previous hash, the Merkle frontier and the next
 * checkpoint: each event's hash, its link to the one before, its stored state, and every checkpoint's signature and
 * root at its size. Returns how many events and checkpoints were read.
 */
export async function verifyLog(
  db: Executor,
  problems: ProblemLog,
  options: {
    trustedKeys?: TrustedKeys | undefined;
    onProgress?: ((events: number) => void) | undefined;
    /** Sees every event as read, with its stored state: other checks gather what they need in the same pass. */
    onEvent?: ((event: WalkedAuditEvent) => void) | undefined;
  },
): Promise<{ events: number; checkpoints: number }> {
  const keys = options.trustedKeys ?? (await keysFromDatabase(db));
  const statesFrom = await statesFromSeq(db);
  const checkpoints = checkpointStream(db);
  let next = await checkpoints.next();
  let checkedCheckpoints = 0;
  const frontier = MerkleFrontier.empty();
  let treeIntact = true;
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let count = 0;
  let firstDamagedSeq = Number.POSITIVE_INFINITY;
  const damaged = (seq: number) => {
    firstDamagedSeq = Math.min(firstDamagedSeq, seq);
  };

  const checkCheckpoint = (checkpoint: SignedCheckpoint) => {
    checkedCheckpoints += 1;
    const signature = checkpointProblem(checkpoint, keys);
    if (signature) {
      problems.add({
        seq: checkpoint.treeSize,
        kind: 'checkpoint-invalid',
        message: `checkpoint of ${checkpoint.treeSize} events: ${signature}`,
      });
    } else if (treeIntact && frontier.root().toString('hex') !== checkpoint.rootHash) {
      problems.add({
        seq: checkpoint.treeSize,
        kind: 'checkpoint-invalid',
        message:
          `checkpoint of ${checkpoint.treeSize} events is signed but its root does not match the log: ` +
          'events up to it were rewritten',
      });
    }
  };

  // A checkpoint of the empty log is checked before any event.
  while (!next.done && next.value.treeSize === 0) {
    checkCheckpoint(next.value);
    next = await checkpoints.next();
  }

  const checkPage = async (rows: readonly WalkedAuditEvent[], digests: PageDigests) => {
    const completed: MerkleNode[] = [];
    for (let i = 0; i < rows.length; i++) {
      const event = rows[i]!;
      const at = i * DIGEST_STRIDE;
      count += 1;
      if (event.seq !== expectedSeq) {
        const missing = event.seq - expectedSeq;
        problems.add({
          seq: expectedSeq,
          kind: 'event-missing',
          message:
            missing === 1
              ? `event ${expectedSeq} is missing: it was deleted`
              : `events ${expectedSeq} to ${event.seq - 1} are missing: they were deleted`,
        });
        treeIntact = false;
        damaged(expectedSeq);
      }
      if (digests.toString('hex', at, at + 32) !== event.hash) {
        damaged(event.seq);
        const origin = movedFrom(event);
        problems.add(
          origin === undefined
            ? {
                seq: event.seq,
                kind: 'event-edited',
                message: `event ${event.seq} was edited: its content does not match its hash`,
              }
            : {
                seq: event.seq,
                kind: 'event-moved',
                message: `event ${event.seq} is out of order: the row in its place is event ${origin}, moved here`,
              },
        );
      } else if (event.prevHash !== prevHash && event.seq === expectedSeq) {
        damaged(event.seq);
        problems.add({
          seq: event.seq,
          kind: 'chain-broken',
          message: `event ${event.seq} does not link to event ${event.seq - 1}: an event before it was replaced or re-ordered`,
        });
      }
      if (event.seq >= statesFrom) {
        if (event.state === null) {
          problems.add({
            seq: event.seq,
            kind: 'state-missing',
            message: `the recorded state of event ${event.seq} was deleted`,
          });
        } else if (digests.toString('hex', at + 64, at + 96) !== event.stateDigest) {
          problems.add({
            seq: event.seq,
            kind: 'state-edited',
            message: `the recorded state of event ${event.seq} was edited`,
          });
        }
      }
      if (treeIntact) frontier.appendTo(digests.subarray(at + 32, at + 64), completed);
      while (!next.done && next.value.treeSize <= event.seq) {
        if (next.value.treeSize === event.seq) checkCheckpoint(next.value);
        next = await checkpoints.next();
      }
      prevHash = event.hash;
      expectedSeq = event.seq + 1;
      if (count % 10_000 === 0) options.onProgress?.(count);
    }
    // A node over a damaged event differs because of the event, which is already reported.
    return completed.filter((n) => (n.index + 1) * 2 ** n.level < firstDamagedSeq);
  };

  // A pipeline: while the hashing thread hashes one page, this one reads the next, hands it over and checks the
  // page before against its digests; the stored Merkle nodes of that page are read and compared behind it. On
  // PostgreSQL the database also works beside the verifier instead of in turn with it.
  const digester = new LogDigester();
  try {
    let page = prefetch(auditLogPage(db, 0, PAGE));
    let hashing: { rows: WalkedAuditEvent[]; digests: Promise<PageDigests> } | undefined;
    let nodeCheck: (() => Promise<void>) | undefined;
    for (;;) {
      const rows = await page();
      let handedOver: typeof hashing;
      if (rows.length > 0) {
        page = prefetch(auditLogPage(db, rows.at(-1)!.seq, PAGE));
        handedOver = { rows, digests: digester.digest(rows) };
        if (options.onEvent) for (const row of rows) options.onEvent(row);
      }
      if (hashing) {
        const trusted = await checkPage(hashing.rows, await hashing.digests);
        await nodeCheck?.();
        nodeCheck = prefetch(checkStoredNodes(db, trusted, problems));
      }
      hashing = handedOver;
      if (!hashing) break;
    }
    await nodeCheck?.();
  } finally {
    await digester.close();
  }

  for (; !next.done; next = await checkpoints.next()) {
    checkedCheckpoints += 1;
    problems.add({
      seq: expectedSeq,
      kind: 'event-missing',
      message:
        `a checkpoint covers ${next.value.treeSize} events but the log ends at ${expectedSeq - 1}: ` +
        'events at its end were deleted',
    });
  }
  const head = await readAuditHead(db);
  if (head.lastSeq !== expectedSeq - 1 || head.lastHash !== prevHash) {
    problems.add({
      seq: Math.min(head.lastSeq, expectedSeq - 1) + 1,
      kind: 'head-mismatch',
      message:
        `the log head says ${head.lastSeq} events but ${expectedSeq - 1} are stored` +
        (head.lastSeq > expectedSeq - 1 ? ': events at its end were deleted' : ' or the last one was replaced'),
    });
  }
  return { events: count, checkpoints: checkedCheckpoints };
}

/** Finds the position an event's hash was computed for, when it is near: a swapped or shifted row. */
function movedFrom(event: StoredAuditEvent): number | undefined {
  for (let delta = 1; delta <= MOVE_WINDOW; delta++) {
    for (const seq of [event.seq - delta, event.seq + delta]) {
      if (seq > 0 && recomputeEventHash({ ...event, seq }) === event.hash) return seq;
    }
  }
  return undefined;
}

async function keysFromDatabase(db: Executor): Promise<TrustedKeys> {
  const rows = await listSigningKeys(db);
  // Keyed by the id recomputed from each public key, so a replaced key cannot pose under the old id.
  return new Map(
    rows.map((r) => {
      const key = publicKeyFromRaw(Buffer.from(r.public_key, 'base64'));
      return [keyIdOf(key), key];
    }),
  );
}

async function* checkpointStream(db: Executor): AsyncGenerator<SignedCheckpoint> {
  let after: { treeSize: number; keyId: string } | undefined;
  for (;;) {
    const page = await checkpointsPage(db, after, 200);
    if (page.length === 0) return;
    yield* page;
    const last = page.at(-1)!;
    after = { treeSize: last.treeSize, keyId: last.keyId };
  }
}

/**
 * Starts work now and hands back a function that waits for it. A failure is held until then, so it is reported where
 * the result is awaited rather than as an unhandled rejection in between.
 */
function prefetch<T>(work: Promise<T>): () => Promise<T> {
  const settled = work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const result = await settled;
    if (!result.ok) throw result.error;
    return result.value;
  };
}
