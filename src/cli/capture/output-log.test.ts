import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputLog } from './output-log.js';

describe('OutputLog', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mnemo-output-log-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Feeds `lines` to a log one every few milliseconds and answers what each upload held. */
  async function feed(uploadMs: number | undefined, lines: number): Promise<string[]> {
    const uploads: string[] = [];
    const log = new OutputLog('stdout', workDir, async (path) => {
      uploads.push(await readFile(path, 'utf8'));
    });
    const source = new PassThrough();
    log.attach(source, new PassThrough().resume(), uploadMs);
    for (let i = 0; i < lines; i++) {
      source.write(`line ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    source.end();
    expect(await log.finish()).toBeUndefined();
    return uploads;
  }

  it('uploads the whole log once, at the end, when given no interval', async () => {
    const uploads = await feed(undefined, 20);
    expect(uploads).toEqual([Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('')]);
  });

  it('uploads the growing log while it is written, and all of it at the end', async () => {
    const uploads = await feed(10, 20);
    expect(uploads.length).toBeGreaterThan(1);
    expect(uploads.at(-1)).toBe(Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(''));
  });
});
