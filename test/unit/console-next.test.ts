/** Where the console sends a browser after sign-in: only its own pages, never another site. */
import { describe, expect, it } from 'vitest';
import { safeNext, withNext } from '../../api/console/session';

describe('the next page after sign-in', () => {
  it('keeps a page of the console, with its query', () => {
    expect(safeNext('/console/requests/registration/5b1c7a52-8a0e-4a43-9d43-4f7f2c1d0e11')).toBe(
      '/console/requests/registration/5b1c7a52-8a0e-4a43-9d43-4f7f2c1d0e11',
    );
    expect(safeNext('/console/help-desk?trackingNumber=IACS-2026-000001')).toBe('/console/help-desk?trackingNumber=IACS-2026-000001');
  });

  it.each([
    ['another site', 'https://evil.example/console/queue'],
    ['a scheme-relative address', '//evil.example/console/queue'],
    ['a backslash trick', '/console/\\\\evil.example'],
    ['a path that leaves the console', '/console/../registrations'],
    ['a page outside the console', '/registrations'],
    ['the console root', '/console'],
    ['the sign-in page (a loop)', '/console/sign-in?next=/console/queue'],
    ['the first-login steps', '/console/first-login'],
    ['a control character', '/console/queue\r\nSet-Cookie: x=y'],
    ['something too long', `/console/${'a'.repeat(600)}`],
    ['no text at all', undefined],
  ])('refuses %s', (_what, raw) => {
    expect(safeNext(raw)).toBeUndefined();
  });

  it('carries the page in the query of the next step', () => {
    expect(withNext('/console/sign-in', '/console/requests/registration/x?done=approved')).toBe(
      '/console/sign-in?next=%2Fconsole%2Frequests%2Fregistration%2Fx%3Fdone%3Dapproved',
    );
    expect(withNext('/console/sign-in', undefined)).toBe('/console/sign-in');
  });
});
