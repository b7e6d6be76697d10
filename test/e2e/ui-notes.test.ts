import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

/** A note as MLflow's UI or a client would store it: GitHub-flavoured Markdown with HTML that must stay inert. */
const NOTE = [
  '# Sweep notes',
  '',
  '| optimizer | lr | loss |',
  '| --- | ---: | ---: |',
  '| adam | 0.001 | 0.21 |',
  '| sgd | 0.01 | 0.34 |',
  '',
  '- data',
  '  - train split',
  '    - shuffled',
  '  - val split',
  '',
  'Checklist:',
  '',
  '- [x] tried Adam',
  '- [ ] try SGD with momentum',
  '',
  '```python',
  'model.fit(x, y)',
  '```',
  '',
  '<script>window.pwned = 1</script>',
  '',
  'an image <img src="/no-such-image.png" onerror="window.pwned = 2"> and [a link](javascript:window.pwned=3)',
].join('\n');

describe('run notes as GitHub-flavoured Markdown in Chromium', () => {
  const api = useTestServer(backends[0]!);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const requested: string[] = [];
  let experimentId: string;

  beforeAll(async () => {
    await ensureUiBuilt();
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'notes-markdown',
    });
    experimentId = experiment.body.experiment.experimentId;
    await api.call('POST', '/api/v1/runs', {
      experimentId,
      runName: 'noted-run',
      tags: { 'mlflow.note.content': NOTE },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: 'light' });
    errors = watchErrors(page);
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  const markdownChunks = () => requested.filter((path) => /^\/assets\/Markdown-[\w-]+\.js$/.test(path));

  it('does not load the Markdown renderer before a run page shows a note', async () => {
    await page.goto(`${api.url}/experiments/${experimentId}`);
    await page.locator('tr[data-run-id]').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(requested.some((path) => path.startsWith('/assets/index-'))).toBe(true);
    expect(markdownChunks()).toEqual([]);
  });

  it('renders tables, nested lists, task lists and code, and shows HTML as inert text', async () => {
    await page.locator('.run-link', { hasText: 'noted-run' }).click();
    const notes = page.getByTestId('notes');
    await notes.locator('table').waitFor();
    expect(markdownChunks()).toHaveLength(1);

    expect(await notes.locator('h2', { hasText: 'Sweep notes' }).count()).toBe(1);
    expect(await notes.locator('table thead th').allInnerTexts()).toEqual(['optimizer', 'lr', 'loss']);
    expect(await notes.locator('table tbody tr').count()).toBe(2);
    expect(await notes.locator('table tbody tr').first().locator('td').allInnerTexts()).toEqual([
      'adam',
      '0.001',
      '0.21',
    ]);

    const inner = notes.locator('li:has-text("data") > ul > li:has-text("train split") > ul > li');
    expect(await inner.allInnerTexts()).toEqual(['shuffled']);
    expect(await notes.locator('li:has-text("data") > ul > li').count()).toBe(2);

    const boxes = notes.locator('li.task-list-item input[type="checkbox"]');
    expect(await boxes.count()).toBe(2);
    expect(await boxes.nth(0).isChecked()).toBe(true);
    expect(await boxes.nth(1).isChecked()).toBe(false);
    expect(await boxes.nth(1).isDisabled()).toBe(true);
    const tasks = await notes.locator('li.task-list-item').allInnerTexts();
    expect(tasks.map((task) => task.trim())).toEqual(['tried Adam', 'try SGD with momentum']);

    expect((await notes.locator('pre code.language-python').textContent())?.trim()).toBe('model.fit(x, y)');

    // The HTML is shown as the characters typed: no script, no image, no handler, no javascript: link.
    const text = (await notes.textContent()) ?? '';
    expect(text).toContain('<script>window.pwned = 1</script>');
    expect(text).toContain('<img src="/no-such-image.png" onerror="window.pwned = 2">');
    expect(await notes.locator('script, img, [onerror]').count()).toBe(0);
    // A link to a javascript: URL keeps its text and loses its target.
    expect(text).toContain('and a link');
    expect(await notes.locator('a').count()).toBe(0);
    await page.waitForLoadState('networkidle');
    expect(requested).not.toContain('/no-such-image.png');
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    await screenshot(page, 'run-notes-markdown');
    expect(errors).toEqual([]);
  });
});
