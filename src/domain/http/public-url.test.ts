import { describe, expect, it } from 'vitest';
import { checkPublicUrl } from './public-url.js';

describe('the public URL', () => {
  it('accepts http(s) addresses, with a path for a proxy prefix', () => {
    expect(() => checkPublicUrl('https://mnemo.example.com')).not.toThrow();
    expect(() => checkPublicUrl('http://corp.example/mnemo/')).not.toThrow();
  });

  it.each(['mnemo.example.com', 'ftp://mnemo.example.com', 'https://x.example/?a=1', 'https://x.example/#top'])(
    'refuses %s',
    (value) => {
      expect(() => checkPublicUrl(value)).toThrow(/--public-url/);
    },
  );
});
