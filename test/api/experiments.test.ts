import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../src/sdk/wire/shapes.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('experiments over HTTP on $name', (backend) => {
  const api = useTestServer(backend);

  it('has the default experiment 0', async () => {
    const { status, body } = await api.call<{ experiment: Experiment }>('GET', '/api/v1/experiments/0');
    expect(status).toBe(200);
    expect(body.experiment).toMatchObject({ experimentId: '0', name: 'Default', lifecycleStage: 'active' });
  });

  it('creates, reads, renames, tags, deletes and restores an experiment', async () => {
    const created = await api.call<{ experiment: Experiment }>('POST', '/api/v1/experiments', {
      name: 'vision/resnet',
      tags: { team: 'vision' },
    });
    expect(created.status).toBe(201);
    const id = created.body.experiment.experimentId;
    expect(created.body.experiment).toMatchObject({
      name: 'vision/resnet',
      tags: { team: 'vision' },
      artifactLocation: `mlflow-artifacts:/${id}`,
    });

    const byName = await api.call<{ experiment: Experiment }>('GET', '/api/v1/experiments/by-name/vision%2Fresnet');
    expect(byName.body.experiment.experimentId).toBe(id);

    const renamed = await api.call<{ experiment: Experiment }>('PATCH', `/api/v1/experiments/${id}`, {
      name: 'vision/resnet-50',
    });
    expect(renamed.body.experiment.name).toBe('vision/resnet-50');

    const tagged = await api.call<{ experiment: Experiment }>('PUT', `/api/v1/experiments/${id}/tags`, {
      tags: { owner: 'ana', team: 'perception' },
    });
    expect(tagged.body.experiment.tags).toEqual({ owner: 'ana', team: 'perception' });
    const untagged = await api.call<{ experiment: Experiment }>('DELETE', `/api/v1/experiments/${id}/tags/owner`);
    expect(untagged.body.experiment.tags).toEqual({ team: 'perception' });

    expect((await api.call('DELETE', `/api/v1/experiments/${id}`)).status).toBe(200);
    const deleted = await api.call<{ experiment: Experiment }>('GET', `/api/v1/experiments/${id}`);
    expect(deleted.body.experiment.lifecycleStage).toBe('deleted');
    const rename = await api.call('PATCH', `/api/v1/experiments/${id}`, { name: 'x' });
    expect(rename.status).toBe(409);
    expect((await api.call('POST', `/api/v1/experiments/${id}/restore`)).status).toBe(200);
    const restored = await api.call<{ experiment: Experiment }>('GET', `/api/v1/experiments/${id}`);
    expect(restored.body.experiment.lifecycleStage).toBe('active');
  });

  it('refuses a duplicate name with RESOURCE_ALREADY_EXISTS and stores nothing', async () => {
    await api.call('POST', '/api/v1/experiments', { name: 'dup' });
    const again = await api.call('POST', '/api/v1/experiments', { name: 'dup', tags: { a: 'b' } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'dup' already exists." });
    const found = await api.call<{ experiments: Experiment[] }>('POST', '/api/v1/experiments/search', {
      filter: "name = 'dup'",
    });
    expect(found.body.experiments).toHaveLength(1);
    expect(found.body.experiments[0]!.tags).toEqual({});
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for an unknown experiment', async () => {
    const { status, body } = await api.call('GET', '/api/v1/experiments/424242');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('rejects malformed and ill-typed bodies with 400 naming the problem', async () => {
    const malformed = await api.call('POST', '/api/v1/experiments', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const wrongType = await api.call<{ message: string }>('POST', '/api/v1/experiments', { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('body.name');
    const unknownField = await api.call<{ message: string }>('POST', '/api/v1/experiments', { name: 'u', color: 1 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain("'color'");
    const badTag = await api.call<{ message: string }>('POST', '/api/v1/experiments', {
      name: 'bad-tag',
      tags: { '../escape': 'x' },
    });
    expect(badTag.status).toBe(400);
    const outside = await api.call<{ message: string }>('POST', '/api/v1/experiments', {
      name: 'outside',
      artifactLocation: 'file:///etc/',
    });
    expect(outside.status).toBe(400);
    expect(outside.body.message).toContain('artifact');
    const none = await api.call<{ experiments: Experiment[] }>('POST', '/api/v1/experiments/search', {
      filter: "name LIKE 'bad%' OR name = 'outside'".replace(' OR ', ' AND '),
    });
    expect(none.body.experiments).toHaveLength(0);
  });

  it('takes a backslash-escaped % or _ in a LIKE or ILIKE pattern literally', async () => {
    for (const name of ['promo 50% off', 'promo 500 off', 'promo_a', 'promoXa', 'promo\\b']) {
      await api.call('POST', '/api/v1/experiments', { name, tags: { group: 'like' } });
    }
    const names = async (filter: string) => {
      const { status, body } = await api.call<{ experiments: Experiment[] }>('POST', '/api/v1/experiments/search', {
        filter: `tags.group = 'like' and ${filter}`,
        orderBy: ['name ASC'],
      });
      expect(status, filter).toBe(200);
      return body.experiments.map((e) => e.name);
    };
    expect(await names("name LIKE '%50\\%%'")).toEqual(['promo 50% off']);
    expect(await names("name ILIKE '%50\\% OFF'")).toEqual(['promo 50% off']);
    expect(await names("name LIKE 'promo\\_a'")).toEqual(['promo_a']);
    expect(await names("name ILIKE 'PROMO\\_%'")).toEqual(['promo_a']);
    // The filter language reads '\\\\' as '\\' (an escaped backslash in the LIKE pattern): one literal backslash.
    expect(await names("name LIKE 'promo\\\\\\\\b'")).toEqual(['promo\\b']);
    // Unescaped, they stay wildcards.
    expect((await names("name LIKE 'promo_a'")).sort()).toEqual(['promoXa', 'promo_a']);
    expect(await names("name LIKE '%50%'")).toEqual(['promo 50% off', 'promo 500 off']);
  });

  it('searches with filter, order and pages', async () => {
    for (const name of ['s-a', 's-b', 's-c']) {
      await api.call('POST', '/api/v1/experiments', { name, tags: { group: 'search' } });
    }
    const first = await api.call<{ experiments: Experiment[]; nextPageToken?: string }>(
      'POST',
      '/api/v1/experiments/search',
      { filter: "tags.group = 'search'", orderBy: ['name DESC'], maxResults: 2 },
    );
    expect(first.body.experiments.map((e) => e.name)).toEqual(['s-c', 's-b']);
    expect(first.body.nextPageToken).toBeTruthy();
    const second = await api.call<{ experiments: Experiment[]; nextPageToken?: string }>(
      'POST',
      '/api/v1/experiments/search',
      { filter: "tags.group = 'search'", orderBy: ['name DESC'], maxResults: 2, pageToken: first.body.nextPageToken },
    );
    expect(second.body.experiments.map((e) => e.name)).toEqual(['s-a']);
    expect(second.body.nextPageToken).toBeUndefined();
    const bad = await api.call('POST', '/api/v1/experiments/search', { filter: 'name ~ 1' });
    expect(bad.status).toBe(400);
  });
});
