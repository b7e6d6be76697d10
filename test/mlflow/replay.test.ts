import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { type Exchange, loadExchanges, type RecordedSession } from './support/fixtures.js';
import { IdMap, isObject } from './support/id-map.js';
import { shapeDifferences } from './support/shape.js';

type Recorded = Record<string, unknown>;

/**
 * Mnemo answers runs as MLflow 3 does, which older clients ignore: `inputs` even when a run was just created, and
 * `outputs` everywhere else.
 */
function asMlflow3(recorded: Recorded, exchange: Exchange): void {
  const runs = [recorded.run, ...(Array.isArray(recorded.runs) ? recorded.runs : [])];
  for (const run of runs) {
    if (!isObject(run) || !('info' in run)) continue;
    run.inputs ??= {};
    if (!exchange.path.endsWith('/runs/create')) run.outputs = {};
  }
}

/**
 * MLflow lists the models a run used in runs/get but leaves them out of runs/search; Mnemo answers a run the same
 * way wherever it appears. The recorded run used the session's first model.
 */
function withModelInputs(recorded: Recorded): void {
  const run = (recorded.runs as Recorded[])[0]!;
  const outputs = (run.outputs as { model_outputs: { model_id: string }[] }).model_outputs;
  (run.inputs as Recorded).model_inputs = [{ model_id: outputs[0]!.model_id }];
}

/**
 * On a server with authentication each webhook names its owner (`owner_id`, a principal id), whose read access decides
 * which events it hears; MLflow's client ignores the extra field. Pinned to the owner being one principal's id.
 */
function withOwner(recorded: Recorded, actual: unknown): void {
  const answer = actual as Recorded;
  const pairs: [Recorded | undefined, Recorded | undefined][] = [
    [recorded.webhook as Recorded | undefined, answer.webhook as Recorded | undefined],
    ...((recorded.webhooks as Recorded[] | undefined) ?? []).map(
      (hook, i) => [hook, (answer.webhooks as Recorded[] | undefined)?.[i]] as [Recorded, Recorded | undefined],
    ),
  ];
  for (const [mine, theirs] of pairs) {
    const owner = theirs?.owner_id;
    if (mine && typeof owner === 'string' && /^u-[0-9a-f]{32}$/.test(owner)) mine.owner_id = owner;
  }
}

/**
 * Where Mnemo deliberately answers differently from the recorded MLflow server, and why. Each entry edits the
 * recorded answer into the one Mnemo must give, so the difference itself is pinned too.
 */
const KNOWN_DIFFERENCES: Record<RecordedSession, Record<string, (recorded: Recorded) => void>> = {
  'official-client': {
    // MLflow hands out a page token whenever a page is full, even when no run follows; Mnemo only when one does,
    // which spares the client a request for an empty page.
    '0031-POST-mlflow-runs-search.json': (recorded) => {
      delete recorded.next_page_token;
    },
  },
  'official-client-3': { '0068-POST-mlflow-runs-search.json': withModelInputs },
  'official-client-3.10': { '0068-POST-mlflow-runs-search.json': withModelInputs },
};

const SESSIONS: { session: RecordedSession; count: number }[] = [
  { session: 'official-client', count: 57 },
  { session: 'official-client-3', count: 70 },
  { session: 'official-client-3.10', count: 70 },
];

/**
 * A listed file's size is the size of what the replay uploaded: the recordings keep a JSON file's upload as parsed
 * JSON (replayed compactly), and text files embed ids the replay maps to Mnemo's (an experiment id of other length).
 */
class ReplayedUploads {
  private readonly sizes = new Map<string, number>();
  note(path: string, body: string | Buffer | undefined, exchange: Exchange): void {
    if (exchange.method === 'PUT' && body !== undefined) {
      this.sizes.set(path.replace(/^.*?\/mlflow-artifacts\/artifacts\//, ''), Buffer.byteLength(body));
    }
  }
  patchListing(exchange: Exchange, query: Record<string, string>, recorded: Recorded): void {
    if (!exchange.path.endsWith('/mlflow-artifacts/artifacts') || !Array.isArray(recorded.files)) return;
    for (const file of recorded.files as Recorded[]) {
      const size = this.sizes.get(`${query.path}/${String(file.path)}`);
      if (size !== undefined) file.file_size = size;
    }
  }
}

function requestBody(exchange: Exchange, ids: IdMap): string | Buffer | undefined {
  const body = ids.apply(exchange.request_body);
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (isObject(body) && typeof body.base64 === 'string' && exchange.request_content_type !== 'application/json') {
    return Buffer.from(body.base64, 'base64');
  }
  return JSON.stringify(body);
}

/** A download as recorded: text as it was, binary as base64, a JSON file as the value it holds. */
function sameDownload(recorded: unknown, actual: Buffer): boolean {
  if (typeof recorded === 'string') return actual.toString('utf8') === recorded;
  if (isObject(recorded) && typeof recorded.base64 === 'string') {
    return actual.equals(Buffer.from(recorded.base64, 'base64'));
  }
  try {
    return isDeepStrictEqual(JSON.parse(actual.toString('utf8')), recorded);
  } catch {
    return false;
  }
}

/**
 * How the client proves who it is: not at all on a server without authentication; on one with it, as MLflow's
 * client does with MLFLOW_TRACKING_TOKEN (Bearer) or MLFLOW_TRACKING_USERNAME/PASSWORD (Basic). The recorded user is
 * `root`, an ordinary user; webhooks, which only administrators manage, are replayed by the admin.
 */
const CREDENTIALS = ['none', 'bearer', 'basic'] as const;
const ROOT_PASSWORD = 'correct horse battery staple';

describe.each(backends)('replaying the official MLflow clients on $name', (backend) => {
  describe.each(SESSIONS.flatMap((s) => CREDENTIALS.map((credentials) => ({ ...s, credentials }))))(
    '$session, credentials: $credentials',
    ({ session, count, credentials }) => {
      // Each session starts from an empty server, as it was recorded.
      const api = useTestServer(
        backend,
        credentials === 'none' ? {} : { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } },
      );
      let rootToken = '';
      beforeAll(async () => {
        if (credentials !== 'none') rootToken = await userWithToken(api.url, 'root', { password: ROOT_PASSWORD });
      });
      const authorization = (path: string): Record<string, string> => {
        const admin = path.includes('/webhooks');
        if (credentials === 'bearer') return { authorization: `Bearer ${admin ? ADMIN_TOKEN : rootToken}` };
        if (credentials === 'basic') {
          // A token is accepted as the Basic password too, which is how the admin signs in here.
          const pair = admin ? `admin:${ADMIN_TOKEN}` : `root:${ROOT_PASSWORD}`;
          return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
        }
        return {};
      };
      const exchanges = loadExchanges(session);
      const ids = new IdMap();
      const uploads = new ReplayedUploads();

      it('has all the recorded exchanges to replay', () => {
        expect(exchanges.length).toBe(count);
      });

      for (const exchange of exchanges) {
        it(`${exchange.file}`, async () => {
          const query = Object.fromEntries(
            Object.entries(exchange.query).map(([k, v]) => [k, ids.applyToString(v, k)] as [string, string]),
          );
          const search = new URLSearchParams(query).toString();
          const body = requestBody(exchange, ids);
          const path = ids.applyToString(exchange.path);
          uploads.note(path, body, exchange);
          const contentType: Record<string, string> = exchange.request_content_type
            ? { 'content-type': exchange.request_content_type }
            : {};
          if (credentials !== 'none') {
            const refused = await fetch(`${api.url}${path}${search ? `?${search}` : ''}`, {
              method: exchange.method,
              headers: contentType,
              body,
            });
            expect(refused.status).toBe(401);
            expect(refused.headers.get('www-authenticate')).toContain('Basic');
            await refused.arrayBuffer();
          }
          const response = await fetch(`${api.url}${path}${search ? `?${search}` : ''}`, {
            method: exchange.method,
            headers: { ...contentType, ...authorization(path) },
            body,
          });
          const bytes = Buffer.from(await response.arrayBuffer());
          const text = bytes.toString('utf8');
          expect(response.status, text).toBe(exchange.status);

          if (exchange.response_content_type !== 'application/json') {
            expect(response.headers.get('content-type')).toContain(exchange.response_content_type);
            expect(sameDownload(ids.apply(exchange.response_body), bytes), text).toBe(true);
            return;
          }
          const actual: unknown = JSON.parse(text);
          if (exchange.status === 200) ids.learn(exchange.response_body, actual);
          const recorded = ids.apply(structuredClone(exchange.response_body)) as Recorded;
          if (session === 'official-client') asMlflow3(recorded, exchange);
          uploads.patchListing(exchange, query, recorded);
          KNOWN_DIFFERENCES[session][exchange.file]?.(recorded);
          if (exchange.path.includes('/mlflow/webhooks')) withOwner(recorded, actual);
          expect(shapeDifferences(recorded, actual)).toEqual([]);
        });
      }
    },
  );
});
