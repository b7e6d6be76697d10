import { describe, expect, it } from 'vitest';
import { stripRemoteCredentials } from './remote-url.js';

describe('stripRemoteCredentials', () => {
  it('drops user names, passwords and tokens from URL remotes', () => {
    expect(stripRemoteCredentials('https://x-access-token:ghp_abc@github.com/org/repo.git')).toBe(
      'https://github.com/org/repo.git',
    );
    expect(stripRemoteCredentials('https://ghp_abc@github.com/org/repo.git')).toBe('https://github.com/org/repo.git');
    expect(stripRemoteCredentials('https://github.com/org/repo.git?token=abc')).toBe('https://github.com/org/repo.git');
    expect(stripRemoteCredentials('ssh://git:pw@host:2222/repo.git')).toBe('ssh://git@host:2222/repo.git');
  });

  it('keeps remotes that carry no credential', () => {
    expect(stripRemoteCredentials('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
    expect(stripRemoteCredentials('/srv/git/repo.git')).toBe('/srv/git/repo.git');
    expect(stripRemoteCredentials('https://gitlab.example.org/a/b')).toBe('https://gitlab.example.org/a/b');
  });
});
