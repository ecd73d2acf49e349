import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealCode, sealIdentity, unsealCode, unsealIdentity } from '../../security/sealed-identity';
import { keysFromBase64 } from '../../security/secrets';

const keys = () => keysFromBase64(randomBytes(32).toString('base64'), randomBytes(32).toString('base64'));
const identity = { firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-02-03', ssn: '123-45-6789' };

describe('an identity sealed for its trip through Temporal', () => {
  it('shows only the last four digits of the SSN, and opens with the field key', () => {
    const k = keys();
    const sealed = sealIdentity(k, identity);
    const shown = JSON.stringify(sealed);
    expect(sealed.ssnLast4).toBe('6789');
    for (const secret of ['123-45-6789', '123456789', '1980-02-03', 'Ann', 'Lee']) expect(shown).not.toContain(secret);
    expect(unsealIdentity(k, sealed)).toEqual(identity);
  });

  it('does not open with another key', () => {
    expect(() => unsealIdentity(keys(), sealIdentity(keys(), identity))).toThrow();
  });

  it('an identity from before sealing (in the clear) passes through as it is', () => {
    expect(unsealIdentity(keys(), identity)).toEqual(identity);
  });

  it('an email code is sealed too, and a code from before sealing passes through', () => {
    const k = keys();
    const sealed = sealCode(k, '042917');
    expect(sealed).not.toContain('042917');
    expect(unsealCode(k, sealed)).toBe('042917');
    expect(unsealCode(k, '042917')).toBe('042917');
  });
});
