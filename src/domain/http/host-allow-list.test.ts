import { describe, expect, it } from 'vitest';
import { crossSiteReason, formContentTypeReason, hostAllowList, isHostAllowed } from './host-allow-list.js';

describe('host allow-list', () => {
  it('answers loopback names only on a loopback server, with any port', () => {
    const list = hostAllowList('127.0.0.1', undefined);
    for (const host of ['127.0.0.1:5000', 'localhost:5000', 'LOCALHOST', '[::1]:5000', '127.0.0.1']) {
      expect(isHostAllowed(host, list), host).toBe(true);
    }
    for (const host of ['evil.example:5000', 'localhost.evil.example', '127.0.0.1.nip.io', '', undefined]) {
      expect(isHostAllowed(host, list), String(host)).toBe(false);
    }
  });

  it('adds configured names and wildcards, or any host with *', () => {
    const list = hostAllowList('127.0.0.1', ['mnemo.internal', '*.corp.example']);
    expect(isHostAllowed('mnemo.internal:443', list)).toBe(true);
    expect(isHostAllowed('ml.corp.example', list)).toBe(true);
    expect(isHostAllowed('corp.example', list)).toBe(false);
    expect(isHostAllowed('evilcorp.example', list)).toBe(false);
    expect(isHostAllowed('anything', hostAllowList('127.0.0.1', ['*']))).toBe(true);
  });

  it('answers any host on a server bound beyond loopback unless a list is given', () => {
    expect(isHostAllowed('mnemo.example', hostAllowList('0.0.0.0', undefined))).toBe(true);
    const listed = hostAllowList('0.0.0.0', ['mnemo.example']);
    expect(isHostAllowed('mnemo.example', listed)).toBe(true);
    expect(isHostAllowed('other.example', listed)).toBe(false);
  });
});

describe('cross-site requests', () => {
  const base = {
    method: 'POST',
    host: '127.0.0.1:5000',
    origin: undefined,
    fetchSite: undefined,
    contentType: undefined,
  };

  it('lets non-browser clients and same-origin pages through', () => {
    expect(crossSiteReason(base)).toBeUndefined();
    expect(crossSiteReason({ ...base, origin: 'http://127.0.0.1:5000', fetchSite: 'same-origin' })).toBeUndefined();
    expect(formContentTypeReason('POST', 'application/json')).toBeUndefined();
    expect(formContentTypeReason('PUT', 'text/plain')).toBeUndefined();
    expect(formContentTypeReason('POST', undefined)).toBeUndefined();
    expect(crossSiteReason({ ...base, method: 'GET', fetchSite: 'cross-site' })).toBeUndefined();
  });

  it('refuses what a page on another site can send', () => {
    expect(crossSiteReason({ ...base, fetchSite: 'cross-site' })).toMatch(/another site/);
    expect(crossSiteReason({ ...base, origin: 'https://evil.example' })).toMatch(/evil\.example/);
    expect(crossSiteReason({ ...base, origin: 'null' })).toMatch(/opaque/);
    expect(crossSiteReason({ ...base, method: 'DELETE', origin: 'http://localhost:5001' })).toBeDefined();
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain;charset=UTF-8',
    ]) {
      expect(formContentTypeReason('POST', type), type).toMatch(/form on any site/);
    }
  });
});
