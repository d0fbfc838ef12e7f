import { describe, expect, test } from 'vitest';
import { CrossSiteRequestError, createCrossSiteCheck } from './origin.js';

describe('SEC-7: cross-site check', () => {
  const check = createCrossSiteCheck({ allowedOrigins: ['https://app.example'] });
  const facts = (method: string, headers: { origin?: string; site?: string } = {}) => ({
    method,
    origin: headers.origin,
    secFetchSite: headers.site,
    host: 'api.example',
    path: '/login',
  });

  test('on by default; off only with false', () => {
    expect(createCrossSiteCheck(undefined)(facts('POST', { site: 'cross-site' }))).toBeInstanceOf(
      CrossSiteRequestError,
    );
    expect(createCrossSiteCheck(false)(facts('POST', { site: 'cross-site' }))).toBeNull();
  });

  test('the refusal names the options that let a legitimate flow through', () => {
    const refused = createCrossSiteCheck(undefined)(facts('POST', { site: 'cross-site' }));
    expect(refused?.message).toContain('crossSiteCheck: { exempt: [path] }');
    expect(refused?.message).toContain('allowedOrigins');
  });

  test('TRACE is not a safe method', () => {
    expect(check(facts('TRACE', { site: 'cross-site' }))).toBeInstanceOf(CrossSiteRequestError);
  });

  test('exempt paths (exact or RegExp) pass; others stay checked', () => {
    const exempting = createCrossSiteCheck({ exempt: ['/oidc/callback', /^\/saml\//] });
    const at = (path: string) => ({ ...facts('POST', { site: 'cross-site' }), path });
    expect(exempting(at('/oidc/callback'))).toBeNull();
    expect(exempting(at('/saml/acs'))).toBeNull();
    expect(exempting(at('/oidc/callback/x'))).toBeInstanceOf(CrossSiteRequestError);
    expect(exempting(at('/login'))).toBeInstanceOf(CrossSiteRequestError);
    expect(() => createCrossSiteCheck({ exempt: ['oidc'] })).toThrow(/must be a path/);
  });

  test('unsafe methods from another site are refused; safe ones and same-origin pass', () => {
    expect(check(facts('POST', { site: 'cross-site' }))).toBeInstanceOf(CrossSiteRequestError);
    expect(check(facts('delete', { site: 'same-site' }))).toBeInstanceOf(CrossSiteRequestError);
    expect(check(facts('GET', { site: 'cross-site' }))).toBeNull();
    expect(check(facts('POST', { site: 'same-origin' }))).toBeNull();
    expect(check(facts('POST', { site: 'none' }))).toBeNull();
  });

  test('without Sec-Fetch-Site, Origin is compared with Host', () => {
    expect(check(facts('POST', { origin: 'https://api.example' }))).toBeNull();
    expect(check(facts('POST', { origin: 'https://evil.example' }))).toBeInstanceOf(CrossSiteRequestError);
    expect(check(facts('POST', { origin: 'null' }))).toBeInstanceOf(CrossSiteRequestError);
    expect(check(facts('POST'))).toBeNull();
  });

  test('an allowed origin passes even cross-site', () => {
    expect(check(facts('POST', { site: 'cross-site', origin: 'https://app.example' }))).toBeNull();
  });

  test('allowed origins must be bare origins', () => {
    expect(() => createCrossSiteCheck({ allowedOrigins: ['https://app.example/'] })).toThrow(TypeError);
    expect(() => createCrossSiteCheck({ allowedOrigins: ['app.example'] })).toThrow(TypeError);
  });
});
