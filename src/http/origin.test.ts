import { describe, expect, test } from 'vitest';
import { CrossSiteRequestError, createCrossSiteCheck } from './origin.js';

describe('SEC-7: cross-site check', () => {
  const check = createCrossSiteCheck({ allowedOrigins: ['https://app.example'] });
  const facts = (method: string, headers: { origin?: string; site?: string } = {}) => ({
    method,
    origin: headers.origin,
    secFetchSite: headers.site,
    host: 'api.example',
  });

  test('off unless asked for', () => {
    expect(createCrossSiteCheck(undefined)(facts('POST', { site: 'cross-site' }))).toBeNull();
    expect(createCrossSiteCheck(false)(facts('POST', { site: 'cross-site' }))).toBeNull();
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
