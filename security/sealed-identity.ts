/**
 * A new person's identity (name, SSN, date of birth) as it travels through Temporal: sealed with
 * the field key, a key the payload codec does not use, so an operator who decodes a workflow's
 * input or an activity's arguments in the Web UI sees only the last four digits of the SSN.
 * Only the activities that need it (the SSA check, recording the registration) unseal it.
 */
import { identitySchema, type Identity } from '../domain/schemas';
import { decryptField, encryptField, type SecretKeys } from './secrets';

export interface SealedIdentity {
  /** `encryptField` of the identity's JSON. */
  sealed: string;
  ssnLast4: string;
}

export function sealIdentity(keys: SecretKeys, identity: Identity): SealedIdentity {
  return { sealed: encryptField(keys, JSON.stringify(identity)), ssnLast4: identity.ssn.slice(-4) };
}

/** The identity back, checked against its schema; a sealed identity that does not open is an error. */
export function unsealIdentity(keys: SecretKeys, identity: SealedIdentity | Identity): Identity {
  // Requests started before identities were sealed carry them in the clear (inside the payload codec).
  if (!('sealed' in identity)) return identity;
  return identitySchema.parse(JSON.parse(decryptField(keys, identity.sealed)));
}
