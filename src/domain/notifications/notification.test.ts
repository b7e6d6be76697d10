import { describe, expect, it } from 'vitest';
import { checkNotification, emailText } from './notification.js';

describe('notifications', () => {
  const valid = { kind: 'policy_failed' as const, recipients: ['p1'], subject: 'Policy failed', body: 'text' };

  it('accepts a one-line subject and a UI path', () => {
    expect(() => checkNotification({ ...valid, link: '/models/x' })).not.toThrow();
  });

  it.each([
    { subject: '' },
    { subject: 'two\nlines' },
    { link: 'https://elsewhere.example' },
    { kind: 'unknown' as never },
  ])('refuses %o', (change) => {
    expect(() => checkNotification({ ...valid, ...change })).toThrow();
  });

  it("adds the server's link to the e-mail when its public URL is known, and the page's path otherwise", () => {
    expect(emailText({ body: 'hello', link: '/inbox' }, 'https://mnemo.example/')).toBe(
      'hello\n\nhttps://mnemo.example/inbox\n',
    );
    expect(emailText({ body: 'hello', link: '/models/x' }, 'https://corp.example/mnemo')).toBe(
      'hello\n\nhttps://corp.example/mnemo/models/x\n',
    );
    expect(emailText({ body: 'hello', link: '/inbox' }, undefined)).toBe(
      "hello\n\nOpen Mnemo's web UI at /inbox to see it.\n",
    );
    expect(emailText({ body: 'hello' }, 'https://mnemo.example')).toBe('hello\n');
  });
});
