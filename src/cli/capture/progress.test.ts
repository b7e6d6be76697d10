import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) > 0 }, written };
}

describe('Progress', () => {
  it('draws on a terminal only once the work has taken more than a second, and clears its line when done', () => {
    let now = 0;
    const { stream, written } = terminal(true);
    const progress = new Progress('hashing data.csv', stream, () => now);
    progress.update(10e6, 100e6);
    expect(written).toEqual([]);
    now = 1500;
    progress.update(50e6, 100e6);
    expect(written).toEqual(['\r\x1b[Kmnemo: hashing data.csv 50% (50.0 of 100.0 MB)']);
    now = 1550;
    progress.update(60e6, 100e6);
    expect(written).toHaveLength(1);
    progress.done();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('prints nothing when stderr is not a terminal', () => {
    let now = 0;
    const { stream, written } = terminal(false);
    const progress = new Progress('hashing', stream, () => now);
    now = 5000;
    progress.update(1, 2);
    progress.done();
    expect(written).toEqual([]);
  });
});
