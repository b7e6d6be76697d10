import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops carriage returns', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push('loss=1\r\nlo')).toEqual(['loss=1']);
    expect(splitter.push('ss=2\nacc')).toEqual(['loss=2']);
    expect(splitter.end()).toEqual(['acc']);
    expect(splitter.end()).toEqual([]);
  });

  it('drops a line longer than the limit whole, however it arrives, and goes on after it', () => {
    const splitter = new LineSplitter(5);
    expect(splitter.push('abc')).toEqual([]);
    expect(splitter.push('defgh')).toEqual([]);
    expect(splitter.push('ijk\nok\n')).toEqual(['ok']);
    expect(splitter.push('123456\nx=1')).toEqual([]);
    expect(splitter.end()).toEqual(['x=1']);
  });
});
