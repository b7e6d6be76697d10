import { describe, expect, it } from 'vitest';
import { datasetLabel } from './dataset-version.js';

describe('dataset labels', () => {
  it('names a file dataset by its absolute path the way Marquez does, without a doubled separator', () => {
    expect(datasetLabel('file', '/data/train.parquet')).toBe('file:/data/train.parquet');
    expect(datasetLabel('file', '/data/train.parquet', 'v2')).toBe('file:/data/train.parquet@v2');
  });

  it('joins a URI namespace and its name with one slash', () => {
    expect(datasetLabel('s3://lake', 'raw/events')).toBe('s3://lake/raw/events');
    expect(datasetLabel('s3://lake/', '/raw/events')).toBe('s3://lake/raw/events');
    expect(datasetLabel('postgres://db:5432', 'shop.public.orders', 'v1')).toBe(
      'postgres://db:5432/shop.public.orders@v1',
    );
  });

  it('keeps a plain namespace and relative name as namespace/name', () => {
    expect(datasetLabel('warehouse', 'iris', 'v1')).toBe('warehouse/iris@v1');
  });
});
