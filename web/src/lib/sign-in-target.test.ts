import { describe, expect, it } from 'vitest';
import { afterSignIn, signInPath } from './sign-in-target.js';

describe('where signing in leads', () => {
  it('keeps the page the user was going to, with its query', () => {
    const here = '/experiments/7?filter=metrics.loss < 1&cols=a,b';
    expect(signInPath(here)).toBe(`/sign-in?next=${encodeURIComponent(here)}`);
    const next = new URLSearchParams(signInPath(here).split('?')[1]).get('next');
    expect(afterSignIn(next)).toBe(here);
  });

  it('needs no target for the experiment list', () => {
    expect(signInPath('/')).toBe('/sign-in');
    expect(afterSignIn(null)).toBe('/');
  });

  it('never leaves the site or loops back to the sign-in page', () => {
    for (const hostile of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '']) {
      expect(afterSignIn(hostile)).toBe('/');
    }
    expect(afterSignIn('/sign-in')).toBe('/');
    expect(afterSignIn('/sign-in?next=%2Fadmin')).toBe('/');
    expect(afterSignIn('/admin/users')).toBe('/admin/users');
  });
});
