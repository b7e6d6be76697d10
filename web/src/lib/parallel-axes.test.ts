import { describe, expect, it } from 'vitest';
import { buildAxis, varies } from './parallel-axes.js';

describe('parallel axes', () => {
  it('scales numeric values, including numeric strings, between min and max', () => {
    const axis = buildAxis('lr', 'lr', ['0.1', '0.3', 0.2, null]);
    expect(axis.kind).toBe('numeric');
    expect(axis.position('0.1')).toBe(0);
    expect(axis.position(0.3)).toBe(1);
    expect(axis.position('0.2')).toBeCloseTo(0.5, 12);
    expect(axis.position(null)).toBeNull();
  });

  it('spaces categories evenly in natural sort order', () => {
    const axis = buildAxis('opt', 'opt', ['sgd', 'adam', 'adamw', 'sgd']);
    expect(axis.kind).toBe('categorical');
    expect(axis.categories).toEqual(['adam', 'adamw', 'sgd']);
    expect(axis.position('adamw')).toBe(0.5);
    expect(axis.position('rmsprop')).toBeNull();
  });

  it('centres a constant axis and tells whether values vary', () => {
    expect(buildAxis('x', 'x', [2, 2]).position(2)).toBe(0.5);
    expect(varies(['a', 'a'])).toBe(false);
    expect(varies(['a', undefined])).toBe(true);
  });
});
