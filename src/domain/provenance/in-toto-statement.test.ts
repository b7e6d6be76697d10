import { describe, expect, it } from 'vitest';
import {
  isSafeSubjectName,
  parseStatement,
  STATEMENT_TYPE,
  type Statement,
  subjectMismatches,
} from './in-toto-statement.js';
import { runStatement } from './run-provenance.js';

const statement = (overrides: Partial<Statement> = {}) =>
  Buffer.from(
    JSON.stringify({
      _type: STATEMENT_TYPE,
      subject: [{ name: 'model.bin', digest: { sha256: 'ab'.repeat(32) } }],
      predicateType: 'https://example.com/p/v1',
      predicate: {},
      ...overrides,
    }),
  );

describe('in-toto statements', () => {
  it('accepts a well-formed statement and says precisely what is wrong with others', () => {
    expect(typeof parseStatement(statement())).toBe('object');
    expect(parseStatement(Buffer.from('{'))).toBe('the payload is not JSON');
    expect(parseStatement(statement({ _type: 'x' } as never))).toMatch(/_type/);
    expect(parseStatement(statement({ subject: [] }))).toMatch(/no subject/);
    expect(parseStatement(statement({ predicateType: 'not a uri' }))).toMatch(/predicateType/);
    expect(parseStatement(statement({ subject: [{ name: 'a', digest: {} }] }))).toMatch(/'a' has no digest/);
    expect(parseStatement(statement({ subject: [{ name: 'a', digest: { sha256: 'XYZ' } }] }))).toMatch(/malformed/);
    expect(parseStatement(statement({ predicate: [] as never }))).toMatch(/predicate is not an object/);
  });

  it('compares subjects with local files', () => {
    const parsed = parseStatement(statement()) as Statement;
    expect(subjectMismatches(parsed, new Map([['model.bin', 'ab'.repeat(32)]]))).toEqual([]);
    expect(subjectMismatches(parsed, new Map())).toEqual([{ name: 'model.bin', problem: 'is missing' }]);
    expect(subjectMismatches(parsed, new Map([['model.bin', 'cd'.repeat(32)]]))[0]!.problem).toMatch(/has sha256 cdcd/);
  });

  it('refuses subject names that would escape a directory', () => {
    expect(isSafeSubjectName('model/weights.bin')).toBe(true);
    for (const name of ['', '/etc/passwd', '../secret', 'a/../../b', 'a//b', 'a\\b']) {
      expect(isSafeSubjectName(name), name).toBe(false);
    }
  });

  it('describes a run: sorted subjects, params, code and environment from tags', () => {
    const s = runStatement(
      {
        info: {
          runId: 'r1',
          experimentId: 'e1',
          runName: 'n',
          userId: 'u',
          status: 'FINISHED',
          startTime: 1,
          endTime: 2,
          artifactUri: 'x',
          lifecycleStage: 'active',
          parentRunId: null,
        },
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [{ key: 'loss', value: Number.NaN, step: 1, timestamp: 5 }],
        tags: [
          { key: 'mlflow.source.git.commit', value: 'abc' },
          { key: 'mlflow.docker.image.id', value: 'sha256:1' },
          { key: 'team', value: 'x' },
        ],
        inputs: [],
        modelOutputs: [],
        modelInputs: [],
      },
      [
        { path: 'z.bin', size: 1, sha256: '11'.repeat(32) },
        { path: 'a.bin', size: 1, sha256: '22'.repeat(32) },
      ],
      {
        builderId: 'b',
        keyId: 'k',
        requestedBy: 'me',
        issuedTime: 9,
        auditLog: { treeSize: 3, rootHash: 'f'.repeat(64) },
      },
    );
    expect(s.subject.map((x) => x.name)).toEqual(['a.bin', 'z.bin']);
    expect(s.predicate).toMatchObject({
      params: { lr: '0.1' },
      metrics: { loss: { value: 'NaN', step: 1 } },
      code: { commit: 'abc' },
      environment: { 'mlflow.docker.image.id': 'sha256:1' },
      builder: { id: 'b', keyId: 'k', requestedBy: 'me' },
    });
    expect(typeof parseStatement(Buffer.from(JSON.stringify(s)))).toBe('object');
  });
});
