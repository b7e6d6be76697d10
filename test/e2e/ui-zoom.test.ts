import type { Browser, Locator, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { launchBrowser, screenshot, watchErrors } from './support/browser.js';
import { ensureUiBuilt } from './support/build-ui.js';

const POINTS = 200_000;
const SPIKE_STEP = 123_457;
// A feature far narrower than one pixel of the whole-history chart: steps alternate up and down inside it only.
const WIGGLE_START = 100_000;
const WIGGLE_END = 100_400;
const T0 = 1_600_000_000_000;
// The machine running this may be loaded: wait for what the page shows rather than for a fixed time.
const SETTLE = { timeout: 90_000, intervals: [100, 250, 500] };

function valueAt(step: number): number {
  if (step === SPIKE_STEP) return 50;
  const wiggle = step >= WIGGLE_START && step <= WIGGLE_END ? (step % 2 === 0 ? 0.004 : -0.004) : 0;
  return Math.exp(-step / 50_000) + 0.01 * Math.sin(step / 100) + wiggle;
}

interface Drawn {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  points: number;
  zoomStart?: number;
  zoomEnd?: number;
  fetchedStart?: number;
  fetchedEnd?: number;
}

interface HistoryAnswer {
  metrics: { step: number; value: number }[];
  totalPoints: number;
}

/** The chart's data-* attributes: what it last drew. */
async function drawn(canvas: Locator): Promise<Drawn> {
  const data = await canvas.evaluate((element) => ({
    ...(element as unknown as { dataset: Record<string, string> }).dataset,
  }));
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return {
    xMin: Number(data.xMin),
    xMax: Number(data.xMax),
    yMin: Number(data.yMin),
    yMax: Number(data.yMax),
    points: Number(data.points),
    zoomStart: number(data.zoomStart),
    zoomEnd: number(data.zoomEnd),
    fetchedStart: number(data.fetchedStart),
    fetchedEnd: number(data.fetchedEnd),
  };
}

const isHistory = (url: string) => new URL(url).pathname.endsWith('/metric-history');
const stepsOf = (url: string) => {
  const query = new URL(url).searchParams;
  return { startStep: query.get('startStep'), endStep: query.get('endStep'), points: Number(query.get('points')) };
};

describe.each(backends)('zooming a metric chart in Chromium on $name', (backend) => {
  const api = useTestServer(backend);
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let experimentId: string;
  let runId: string;
  let logged = POINTS;
  const answers: Response[] = [];
  const shot = (name: string) => screenshot(page, `${backend.name}-${name}`);

  const chart = () => page.locator('[data-testid="metric-chart"][data-metric="loss"]');
  const canvas = () => chart().locator('.chart-canvas');

  /** Waits until the chart drew what `done` accepts with no fetch under way, and returns what it drew. */
  async function settled(done: (d: Drawn) => boolean): Promise<Drawn> {
    await expect
      .poll(async () => (await chart().getAttribute('aria-busy')) === 'false' && done(await drawn(canvas())), SETTLE)
      .toBe(true);
    return drawn(canvas());
  }

  /**
   * Drags across the plot from one x value to another, through the x range the chart last drew, and returns the
   * range uPlot reads under the mouse. The mouse moves to whole pixels, which the browser reports exactly, so that
   * range can be worked out here the way uPlot does (offset in the plot over its width, along the x scale).
   */
  async function drag(from: number, to: number): Promise<{ min: number; max: number; perPixel: number }> {
    const { xMin, xMax } = await drawn(canvas());
    const box = (await chart().locator('.u-over').boundingBox())!;
    const pixel = (x: number) => Math.round(box.x + ((x - xMin) / (xMax - xMin)) * box.width);
    const value = (px: number) => xMin + ((px - box.x) / box.width) * (xMax - xMin);
    const y = Math.round(box.y + box.height / 2);
    await page.mouse.move(pixel(from), y);
    await page.mouse.down();
    await page.mouse.move(pixel(to), y, { steps: 8 });
    await page.mouse.up();
    return { min: value(pixel(from)), max: value(pixel(to)), perPixel: (xMax - xMin) / box.width };
  }

  /** Drags across steps and returns the whole steps the chart should zoom to: the nearest to each end. */
  async function dragSteps(from: number, to: number): Promise<{ start: number; end: number }> {
    const { min, max, perPixel } = await drag(from, to);
    // Within half a pixel of where it was aimed.
    expect(Math.abs(min - from)).toBeLessThanOrEqual(perPixel / 2 + 1e-6);
    expect(Math.abs(max - to)).toBeLessThanOrEqual(perPixel / 2 + 1e-6);
    return { start: Math.round(min), end: Math.round(max) };
  }

  /** The chart's answer for exactly these steps (the last one, if a live refresh asked again). */
  async function answerFor(startStep: number, endStep: number): Promise<{ url: string; body: HistoryAnswer }> {
    const match = answers.findLast((r) => {
      const steps = stepsOf(r.url());
      return steps.startStep === String(startStep) && steps.endStep === String(endStep);
    });
    expect(match, `a metric-history answer for steps ${startStep}-${endStep}`).toBeDefined();
    return { url: match!.url(), body: (await match!.json()) as HistoryAnswer };
  }

  beforeAll(async () => {
    await ensureUiBuilt();
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'zoom',
    });
    experimentId = created.body.experiment.experimentId;
    // Left RUNNING, so the chart refreshes it live while zoomed.
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId,
      runName: 'long-training',
      startTime: T0,
    });
    runId = run.body.run.runId;
    for (let start = 0; start < POINTS; start += 10_000) {
      const metrics = Array.from({ length: 10_000 }, (_, i) => {
        const step = start + i;
        return { key: 'loss', value: valueAt(step), step, timestamp: T0 + step * 10 };
      });
      const batch = await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics });
      expect(batch.status).toBe(200);
    }
    browser = await launchBrowser();
    // Narrow enough for the charts to stack in one column, each wider in pixels than the 401 steps zoomed to last.
    page = await browser.newPage({ viewport: { width: 1000, height: 900 }, colorScheme: 'light' });
    errors = watchErrors(page);
    page.on('response', (response) => {
      if (isHistory(response.url())) answers.push(response);
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('refetches the dragged steps in full detail, keeps the zoom through live refreshes and resets on double-click', {
    timeout: 300_000,
  }, async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${runId}?tab=charts`);
    const whole = await settled((d) => d.points > 0 && d.zoomStart === undefined);
    expect(whole.xMin).toBe(0);
    expect(whole.xMax).toBe(POINTS - 1);
    expect(whole.yMax).toBeGreaterThanOrEqual(50);
    expect(whole.fetchedStart).toBeUndefined();
    const first = answers.at(-1)!;
    expect(stepsOf(first.url()).startStep).toBeNull();
    const points = stepsOf(first.url()).points;
    expect(points).toBeGreaterThanOrEqual(WIGGLE_END - WIGGLE_START + 1);
    // The whole-history sample cannot hold the wiggle: only a handful of its 401 steps make it in.
    const sample = ((await first.json()) as HistoryAnswer).metrics;
    expect(sample.filter((m) => m.step >= WIGGLE_START && m.step <= WIGGLE_END).length).toBeLessThan(10);

    // Three drags, each into the last, narrow the view from 200,000 steps to the 401 of the wiggle.
    const coarse = await dragSteps(97_000, 103_000);
    const wide = await settled((d) => d.zoomStart !== undefined && d.fetchedStart === d.zoomStart);
    expect(wide).toMatchObject({
      zoomStart: coarse.start,
      zoomEnd: coarse.end,
      fetchedEnd: coarse.end,
      xMin: coarse.start,
      xMax: coarse.end,
    });
    const wideAnswer = await answerFor(coarse.start, coarse.end);
    expect(stepsOf(wideAnswer.url).points).toBe(points);
    expect(wideAnswer.body.totalPoints).toBe(POINTS);
    expect(wideAnswer.body.metrics.length).toBeLessThanOrEqual(points);
    expect(wideAnswer.body.metrics.length).toBe(wide.points);
    for (const m of wideAnswer.body.metrics) {
      expect(m.step).toBeGreaterThanOrEqual(coarse.start);
      expect(m.step).toBeLessThanOrEqual(coarse.end);
    }
    // The spike lies outside: the y scale now fits the curve alone.
    expect(wide.yMax).toBeLessThan(1);

    const middle = await dragSteps(99_950, 100_450);
    await settled((d) => d.zoomStart === middle.start && d.zoomEnd === middle.end && d.fetchedStart === d.zoomStart);

    // The chart is now wider in pixels than in steps, so the last drag lands on the very steps aimed at.
    expect(await dragSteps(WIGGLE_START, WIGGLE_END)).toEqual({ start: WIGGLE_START, end: WIGGLE_END });
    const zoomed = await settled((d) => d.zoomStart === WIGGLE_START && d.fetchedStart === d.zoomStart);
    expect(zoomed).toMatchObject({
      zoomStart: WIGGLE_START,
      zoomEnd: WIGGLE_END,
      fetchedStart: WIGGLE_START,
      fetchedEnd: WIGGLE_END,
      xMin: WIGGLE_START,
      xMax: WIGGLE_END,
      points: WIGGLE_END - WIGGLE_START + 1,
    });
    const detail = await answerFor(WIGGLE_START, WIGGLE_END);
    expect(stepsOf(detail.url).points).toBe(points);
    // Every point of the range, exactly as logged: the alternation is there to draw.
    const expected = Array.from({ length: WIGGLE_END - WIGGLE_START + 1 }, (_, i) => WIGGLE_START + i);
    expect(detail.body.metrics.map((m) => m.step)).toEqual(expected);
    expect(detail.body.metrics.map((m) => m.value)).toEqual(expected.map(valueAt));
    const values = expected.map(valueAt);
    expect(zoomed.yMin).toBeLessThanOrEqual(Math.min(...values));
    expect(zoomed.yMax).toBeGreaterThanOrEqual(Math.max(...values));
    expect(zoomed.yMax).toBeLessThan(1);
    const caption = (await chart().locator('figcaption').textContent()) ?? '';
    expect(caption).toContain(`${expected.length} of ${POINTS.toLocaleString('en-US')} points`);
    expect(caption).toContain('steps 100,000–100,400');
    await shot('zoomed-chart');

    // New points arrive while zoomed: the live refresh asks for the same steps and the view stays where it was.
    const extra = Array.from({ length: 100 }, (_, i) => ({
      key: 'loss',
      value: 0.5,
      step: POINTS + i,
      timestamp: T0 + (POINTS + i) * 10,
    }));
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics: extra })).status).toBe(200);
    logged += extra.length;
    await expect
      .poll(() => chart().locator('figcaption').textContent(), SETTLE)
      .toContain(`of ${logged.toLocaleString('en-US')} points`);
    const refreshed = await settled((d) => d.zoomStart !== undefined);
    expect(refreshed).toMatchObject({
      zoomStart: WIGGLE_START,
      zoomEnd: WIGGLE_END,
      fetchedStart: WIGGLE_START,
      fetchedEnd: WIGGLE_END,
      xMin: WIGGLE_START,
      xMax: WIGGLE_END,
      points: expected.length,
    });
    expect((await answerFor(WIGGLE_START, WIGGLE_END)).body.totalPoints).toBe(logged);

    // Double-click: the whole history again, spike included.
    const box = (await chart().locator('.u-over').boundingBox())!;
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    const reset = await settled((d) => d.zoomStart === undefined && d.fetchedStart === undefined);
    expect(reset.xMin).toBe(0);
    expect(reset.xMax).toBe(logged - 1);
    expect(reset.yMax).toBeGreaterThanOrEqual(50);
    expect(reset.points).toBeLessThanOrEqual(points);
    expect(stepsOf(answers.at(-1)!.url()).startStep).toBeNull();
    expect(await chart().getByRole('button', { name: 'reset zoom' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('lets a newer zoom cancel the fetch of an older one, and resets from the caption', {
    timeout: 300_000,
  }, async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${runId}?tab=charts`);
    await settled((d) => d.points > 0 && d.zoomStart === undefined);
    // Hold the first zoom's requests (a live refresh may ask again) on their way to the server, so the second zoom
    // starts while they are in flight.
    const held: Request[] = [];
    const failed: { url: string; error: string }[] = [];
    page.on('requestfailed', (request) => {
      if (isHistory(request.url())) failed.push({ url: request.url(), error: request.failure()?.errorText ?? '' });
    });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => isHistory(url.toString()) && url.searchParams.has('startStep'),
      async (route) => {
        const steps = (url: string) => JSON.stringify(stepsOf(url));
        if (held.length > 0 && steps(held[0]!.url()) !== steps(route.request().url())) return route.continue();
        held.push(route.request());
        await released;
        await route.continue().catch(() => {}); // the page has aborted it by now
      },
    );

    const older = await dragSteps(20_000, 60_000);
    await expect.poll(() => held.length, SETTLE).toBeGreaterThan(0);
    await expect.poll(async () => (await drawn(canvas())).zoomStart, SETTLE).toBe(older.start);
    expect(stepsOf(held[0]!.url())).toMatchObject({ startStep: String(older.start), endStep: String(older.end) });
    expect((await drawn(canvas())).fetchedStart).toBeUndefined(); // the whole-history sample, stretched meanwhile
    const newer = await dragSteps(30_000, 40_000);
    const drawnNewer = await settled((d) => d.zoomStart === newer.start && d.fetchedStart === d.zoomStart);
    expect(drawnNewer).toMatchObject({ zoomEnd: newer.end, fetchedEnd: newer.end, xMin: newer.start, xMax: newer.end });
    // Every request of the older zoom was aborted by the page, none answered.
    await expect.poll(() => failed.filter((f) => held.some((h) => h.url() === f.url)).length, SETTLE).toBe(held.length);
    expect(failed.map((f) => f.error)).toEqual(failed.map(() => 'net::ERR_ABORTED'));
    release();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    expect(await drawn(canvas())).toMatchObject({ fetchedStart: newer.start, fetchedEnd: newer.end });

    await chart().getByRole('button', { name: 'reset zoom' }).click();
    const reset = await settled((d) => d.zoomStart === undefined && d.fetchedStart === undefined);
    expect([reset.xMin, reset.xMax]).toEqual([0, logged - 1]);
    expect(errors).toEqual([]);
  });

  it('zooms a wall-clock chart on the client, without refetching', { timeout: 300_000 }, async () => {
    await page.goto(`${api.url}/experiments/${experimentId}/runs/${runId}?tab=charts&x=time`);
    const whole = await settled((d) => d.points > 0 && d.zoomStart === undefined);
    expect([whole.xMin, whole.xMax]).toEqual([T0, T0 + (logged - 1) * 10]);
    const before = answers.length;
    const aimed = await drag(T0 + 500_000, T0 + 700_000);
    const zoomed = await settled((d) => d.zoomStart !== undefined);
    expect(Math.abs(zoomed.zoomStart! - aimed.min)).toBeLessThan(1);
    expect(Math.abs(zoomed.zoomEnd! - aimed.max)).toBeLessThan(1);
    expect([zoomed.xMin, zoomed.xMax]).toEqual([zoomed.zoomStart, zoomed.zoomEnd]);
    expect(zoomed.fetchedStart).toBeUndefined();
    expect(zoomed.points).toBe(whole.points);
    expect(answers.slice(before).filter((r) => stepsOf(r.url()).startStep !== null)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
