import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import { parseSecretKey } from '../../src/domain/webhooks/secret-box.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { type Caller, ok } from '../support/builders.js';

const V = '/api/v1';
const M = '/api/2.0/mlflow';
const MODEL_TAG_SECRET = 'postgres://svc:model-tag-hunter2@warehouse/prod';
const MLFLOW_MODEL_TAG_SECRET = 'model-create-tag-9d1e';
const VERSION_TAG_SECRET = 'ada.version-tag@example.invalid';
const MLFLOW_VERSION_TAG_SECRET = 'mlflow-set-tag-7c2b';
const PATTERN_FIELD_SECRET = 'segment-gold-metadata-4f4f';
const ANNOTATED_FIELD_SECRET = { name: 'Grace Annotated', phone: '+1-555-0100' };
const ANNOTATED_TAG_SECRET = 'annotated-tag-b0b0';
const PLAINTEXTS = [
  MODEL_TAG_SECRET,
  MLFLOW_MODEL_TAG_SECRET,
  VERSION_TAG_SECRET,
  MLFLOW_VERSION_TAG_SECRET,
  PATTERN_FIELD_SECRET,
  ANNOTATED_FIELD_SECRET.name,
  ANNOTATED_FIELD_SECRET.phone,
  ANNOTATED_TAG_SECRET,
  'hunter2',
];

const hexKey = () => randomBytes(32).toString('hex');

function callerOf(url: string): Caller {
  return {
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as never };
    },
  };
}

/** A version schema marking one custom field and one tag sensitive. */
const VERSION_SCHEMA = {
  type: 'object',
  properties: {
    training_contact: {
      type: 'object',
      properties: { name: { type: 'string' }, phone: { type: 'string' } },
      'x-sensitive': true,
    },
    tags: { type: 'object', properties: { 'owner.email': { type: 'string', 'x-sensitive': true } } },
  },
};

describe.each(backends)('sensitive registry tags and metadata fields are stored encrypted on $name', (backend) => {
  const oldKey = hexKey();
  const newKey = hexKey();
  const newKeyId = parseSecretKey(newKey).keyId;
  const oldKeyId = parseSecretKey(oldKey).keyId;
  let uri: string;
  let drop: () => Promise<void>;
  let artifacts: string;
  let server: RunningServer | undefined;
  let api: Caller;

  async function start(keys: string | undefined, rotateEncryptionOnStart = true): Promise<void> {
    await server?.close();
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: uri,
      artifactsDestination: artifacts,
      encryptionKey: keys,
      sensitiveKeys: keys === undefined ? undefined : '*.connection_string',
      rotateEncryptionOnStart,
      webhookDelivery: { allowPrivateAddresses: true },
    });
    api = callerOf(server.url);
  }

  /** Every row of every table, as the database holds it. */
  async function wholeDatabase(): Promise<string> {
    const store = await openStore(uri);
    try {
      const tables = await store.db.introspection.getTables();
      const dumps: unknown[] = [];
      for (const table of tables) {
        dumps.push(await sql`select * from ${sql.table(table.name)}`.execute(store.db));
      }
      return JSON.stringify(dumps);
    } finally {
      await store.close();
    }
  }

  async function rawRegistry() {
    const store = await openStore(uri);
    try {
      return {
        modelTags: await store.db.selectFrom('registered_model_tags').selectAll().execute(),
        versionTags: await store.db.selectFrom('model_version_tags').selectAll().execute(),
        models: await store.db.selectFrom('registered_models').select(['name', 'metadata']).execute(),
        versions: await store.db.selectFrom('model_versions').select(['model_id', 'version', 'metadata']).execute(),
      };
    } finally {
      await store.close();
    }
  }

  const readEverywhere = async () => {
    const replies = [
      await ok(api, 'GET', `${V}/registered-models/fraud`),
      await ok(api, 'GET', `${V}/registered-models/fraud/versions/1`),
      await ok(api, 'POST', `${V}/registered-models/search`, {}),
      await ok(api, 'POST', `${V}/model-versions/search`, { filter: "name = 'fraud'" }),
      await ok(api, 'GET', `${M}/registered-models/get?name=fraud`),
      await ok(api, 'GET', `${M}/model-versions/get?name=fraud&version=1`),
      await ok(api, 'GET', `${M}/model-versions/search?filter=${encodeURIComponent("name='fraud'")}`),
      await ok(api, 'POST', `${M}/registered-models/get-latest-versions`, { name: 'fraud' }),
      await ok(api, 'GET', `${M}/registered-models/alias?name=fraud&alias=champion`),
    ];
    return JSON.stringify(replies);
  };

  beforeAll(async () => {
    const db = await backend.createMigrated();
    uri = db.uri;
    drop = db.drop;
    artifacts = await mkdtemp(join(tmpdir(), 'mnemo-test-artifacts-'));
    await start(oldKey);
    // A subscriber, so the webhook outbox holds payloads about the model too.
    await ok(api, 'POST', `${M}/webhooks`, {
      name: 'listener',
      url: 'http://127.0.0.1:9/hook',
      events: [
        { entity: 'REGISTERED_MODEL', action: 'CREATED' },
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_TAG', action: 'SET' },
      ],
    });
    await ok(api, 'POST', `${V}/schemas/model_version:fraud/versions`, { schema: VERSION_SCHEMA });
    await ok(api, 'POST', `${M}/registered-models/create`, {
      name: 'fraud',
      tags: [{ key: 'backup.connection_string', value: MLFLOW_MODEL_TAG_SECRET }],
    });
    await ok(api, 'PUT', `${V}/registered-models/fraud/sensitive-keys`, { patterns: ['customer.*'] });
    await ok(api, 'PUT', `${V}/registered-models/fraud/tags`, {
      tags: { 'serving.connection_string': MODEL_TAG_SECRET, team: 'risk' },
    });
    await ok(api, 'POST', `${V}/registered-models/fraud/versions`, {
      source: 'mlflow-artifacts:/models/fraud',
      tags: { 'owner.email': VERSION_TAG_SECRET },
      metadata: { training_contact: ANNOTATED_FIELD_SECRET, 'customer.segment': PATTERN_FIELD_SECRET, rows: 1200 },
    });
    await ok(api, 'POST', `${M}/model-versions/set-tag`, {
      name: 'fraud',
      version: '1',
      key: 'customer.region',
      value: MLFLOW_VERSION_TAG_SECRET,
    });
    await ok(api, 'POST', `${M}/registered-models/alias`, { name: 'fraud', alias: 'champion', version: '1' });
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    await rm(artifacts, { recursive: true, force: true });
  });

  it('keeps the plaintext out of every table, the audit log and the webhook outbox included', async () => {
    const everything = await wholeDatabase();
    for (const secret of PLAINTEXTS) expect(everything).not.toContain(secret);
    const raw = await rawRegistry();
    const sealed = (rows: { key: string; value: string }[]) =>
      rows
        .filter((row) => row.value.startsWith('mnemo-sealed:'))
        .map((row) => row.key)
        .sort();
    expect(sealed(raw.modelTags)).toEqual(['backup.connection_string', 'serving.connection_string']);
    expect(raw.modelTags.find((row) => row.key === 'team')!.value).toBe('risk');
    expect(sealed(raw.versionTags)).toEqual(['customer.region', 'owner.email']);
    const metadata = JSON.parse(raw.versions[0]!.metadata) as Record<string, unknown>;
    expect(metadata.rows).toBe(1200);
    expect(String(metadata.training_contact)).toMatch(/^mnemo-sealed:/);
    expect(String(metadata['customer.segment'])).toMatch(/^mnemo-sealed:/);
    expect(everything).toMatch(/mnemo-sealed:sha256:[0-9a-f]{64}/);
  });

  it('gives readers the plaintext through native and MLflow registry reads, with its JSON type', async () => {
    const text = await readEverywhere();
    for (const secret of [MODEL_TAG_SECRET, MLFLOW_MODEL_TAG_SECRET, VERSION_TAG_SECRET, MLFLOW_VERSION_TAG_SECRET]) {
      expect(text).toContain(secret);
    }
    expect(text).not.toContain('mnemo-sealed:');
    const { modelVersion } = await ok<{ modelVersion: { metadata: Record<string, unknown> } }>(
      api,
      'GET',
      `${V}/registered-models/fraud/versions/1`,
    );
    expect(modelVersion.metadata).toEqual({
      training_contact: ANNOTATED_FIELD_SECRET,
      'customer.segment': PATTERN_FIELD_SECRET,
      rows: 1200,
    });
  });

  it('updates sealed metadata and keeps the schema checking the plaintext', async () => {
    const broken = await api.call('PATCH', `${V}/registered-models/fraud/versions/1`, {
      metadata: { training_contact: 'not an object' },
    });
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).toMatch(/training_contact/);
    expect(JSON.stringify(broken.body)).not.toContain('not an object');
    await ok(api, 'PATCH', `${V}/registered-models/fraud/versions/1`, {
      metadata: { training_contact: ANNOTATED_FIELD_SECRET, 'customer.segment': PATTERN_FIELD_SECRET, rows: 1300 },
    });
    // A description change leaves the sealed fields as they are stored.
    const before = (await rawRegistry()).versions[0]!.metadata;
    await ok(api, 'PATCH', `${V}/registered-models/fraud/versions/1`, { description: 'nightly' });
    expect((await rawRegistry()).versions[0]!.metadata).toBe(before);
    // An annotated tag set later is sealed too, and the schema still sees its plaintext.
    await ok(api, 'PUT', `${V}/registered-models/fraud/versions/1/tags`, {
      tags: { 'owner.email': ANNOTATED_TAG_SECRET },
    });
    const everything = await wholeDatabase();
    for (const secret of PLAINTEXTS) expect(everything).not.toContain(secret);
    expect(await readEverywhere()).toContain(ANNOTATED_TAG_SECRET);
  });

  it('refuses to compare or sort a sensitive registry tag in a search, naming the key', async () => {
    const byPattern = await api.call(
      'GET',
      `${M}/registered-models/search?filter=${encodeURIComponent(
        `tags.\`serving.connection_string\` = '${MODEL_TAG_SECRET}'`,
      )}`,
    );
    expect(byPattern.status).toBe(400);
    expect(JSON.stringify(byPattern.body)).toMatch(/serving\.connection_string.*sensitive/);
    expect(JSON.stringify(byPattern.body)).not.toContain('hunter2');
    const byModelPattern = await api.call('POST', `${V}/model-versions/search`, {
      filter: `tags.\`customer.region\` LIKE 'mlflow%'`,
    });
    expect(byModelPattern.status).toBe(400);
    const byAnnotation = await api.call('POST', `${V}/model-versions/search`, {
      filter: `tags.\`owner.email\` = 'x'`,
    });
    expect(byAnnotation.status).toBe(400);
    const plain = await ok<{ registeredModels: unknown[] }>(api, 'POST', `${V}/registered-models/search`, {
      filter: "tags.team = 'risk'",
    });
    expect(plain.registeredModels).toHaveLength(1);
  });

  it('keeps the pattern tag for its own route and refuses values posing as encrypted ones', async () => {
    const reserved = await api.call('PUT', `${V}/registered-models/fraud/tags`, {
      tags: { 'mnemo.sensitive_keys': '' },
    });
    expect(reserved.status).toBe(400);
    const posing = await api.call('POST', `${M}/registered-models/set-tag`, {
      name: 'fraud',
      key: 'note',
      value: 'mnemo-sealed:v1.x',
    });
    expect(posing.status).toBe(400);
    const setting = await ok<{ patterns: string[]; serverPatterns: string[] }>(
      api,
      'GET',
      `${V}/registered-models/fraud/sensitive-keys`,
    );
    expect(setting).toMatchObject({ patterns: ['customer.*'], serverPatterns: ['*.connection_string'] });
  });

  it('refuses x-sensitive where it would protect nothing', async () => {
    const nested = await api.call('POST', `${V}/schemas/model/versions`, {
      schema: {
        type: 'object',
        properties: { owner: { type: 'object', properties: { email: { type: 'string', 'x-sensitive': true } } } },
      },
    });
    expect(nested.status).toBe(400);
    expect(JSON.stringify(nested.body)).toMatch(/x-sensitive.*properties\/owner\/properties\/email/);
    const firstClass = await api.call('POST', `${V}/schemas/model/versions`, {
      schema: { type: 'object', properties: { description: { type: 'string', 'x-sensitive': true } } },
    });
    expect(firstClass.status).toBe(400);
    expect(JSON.stringify(firstClass.body)).toMatch(/first-class field 'description'/);
    const dataset = await api.call('POST', `${V}/schemas/dataset/versions`, {
      schema: { type: 'object', properties: { name: { type: 'string', 'x-sensitive': true } } },
    });
    expect(dataset.status).toBe(400);
    const subjects = await ok<{ subjects: { subject: string }[] }>(api, 'GET', `${V}/schemas`);
    expect(subjects.subjects.map((s) => s.subject)).toEqual(['model_version:fraud']);
  });

  it('verifies the log against encrypted registry rows and finds an edited one', async () => {
    const clean = await auditVerify({ backendStoreUri: uri });
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    const store = await openStore(uri);
    const row = await store.db
      .selectFrom('registered_model_tags')
      .selectAll()
      .where('key', '=', 'serving.connection_string')
      .executeTakeFirstOrThrow();
    const edit = (value: string) =>
      store.db
        .updateTable('registered_model_tags')
        .set({ value })
        .where('model_id', '=', row.model_id)
        .where('key', '=', row.key)
        .execute();
    const v = row.value;
    await edit(`${v.slice(0, -3)}${v.at(-3) === 'A' ? 'B' : 'A'}${v.slice(-2)}`);
    await store.close();
    try {
      const tampered = await auditVerify({ backendStoreUri: uri });
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toMatch(/registered model 'fraud'/);
      expect(tampered.stderr).not.toContain('hunter2');
    } finally {
      const again = await openStore(uri);
      await again.db
        .updateTable('registered_model_tags')
        .set({ value: v })
        .where('model_id', '=', row.model_id)
        .where('key', '=', row.key)
        .execute();
      await again.close();
    }
  });

  it('moves every registry value to a new key, seals values that became sensitive, and the log still verifies', async () => {
    // Plain now; sensitive once the model's patterns name it.
    await ok(api, 'PUT', `${V}/registered-models/fraud/tags`, { tags: { 'billing.account': 'acct-31337' } });
    await ok(api, 'PUT', `${V}/registered-models/fraud/sensitive-keys`, { patterns: ['customer.*', 'billing.*'] });
    await start(`${newKey},${oldKey}`);
    await server!.services.encryption.rotation.settled();
    const status = await ok<{ sealedValues: Record<string, number>; rotation: { error: string | null } }>(
      api,
      'GET',
      `${V}/encryption`,
    );
    expect(status.rotation.error).toBeNull();
    // Three model tags (one newly sealed), two version tags and two version metadata fields.
    expect(status.sealedValues).toEqual({ [newKeyId]: 7 });
    const raw = await rawRegistry();
    expect(raw.modelTags.find((row) => row.key === 'billing.account')!.value).toMatch(/^mnemo-sealed:/);
    expect(JSON.stringify(raw)).not.toContain(oldKeyId);
    // The tag was written while nothing named it sensitive, so earlier events recorded it as it was; its row no more.
    expect(JSON.stringify(raw)).not.toContain('acct-31337');
    const everything = await wholeDatabase();
    for (const secret of PLAINTEXTS) expect(everything).not.toContain(secret);
    const verified = await auditVerify({ backendStoreUri: uri });
    expect(verified.code, verified.stderr).toBe(0);
    // Only the new key is needed from now on.
    await start(newKey);
    const text = await readEverywhere();
    for (const secret of [MODEL_TAG_SECRET, ANNOTATED_TAG_SECRET, MLFLOW_VERSION_TAG_SECRET, 'acct-31337']) {
      expect(text).toContain(secret);
    }
  });

  it('refuses sensitive registry values and model patterns on a server without a key', async () => {
    await start(undefined);
    const pattern = await api.call('PUT', `${V}/registered-models/fraud/sensitive-keys`, { patterns: ['x.*'] });
    expect(pattern.status).toBe(400);
    expect(JSON.stringify(pattern.body)).toMatch(/no encryption key/);
    const annotated = await api.call('PUT', `${V}/registered-models/fraud/versions/1/tags`, {
      tags: { 'owner.email': 'someone@example.invalid' },
    });
    expect(annotated.status).toBe(400);
    expect(JSON.stringify(annotated.body)).toMatch(/owner\.email.*sensitive/);
    const read = await api.call('GET', `${V}/registered-models/fraud`);
    expect(read.status).toBe(400);
    expect(JSON.stringify(read.body)).toMatch(/no encryption key/);
    expect(JSON.stringify(read.body)).not.toContain('mnemo-sealed:');
  });
});
