/**
 * Secrets as they travel through Temporal: a new person's identity (name, SSN, date of birth) and
 * the email codes applicants enter, sealed with the field key, a key the payload codec does not
 * use, so an operator who decodes a workflow's input, an update's arguments or an activity's
 * arguments in the Web UI sees ciphertext (and the SSN's last four digits). Only the activities
 * that need them (the SSA check, recording the registration, the code check) unseal them.
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

/** An email code as it travels to the workflow (an update's argument) and its code check: sealed with the field key. */
export function sealCode(keys: SecretKeys, code: string): string {
  return encryptField(keys, code);
}

/** The code back; an update accepted before codes were sealed carries it in the clear. */
export function unsealCode(keys: SecretKeys, code: string): string {
  return /^\d+$/.test(code) ? code : decryptField(keys, code);
}

/** The identity back, checked against its schema; a sealed identity that does not open is an error. */
export function unsealIdentity(keys: SecretKeys, identity: SealedIdentity | Identity): Identity {
  // Requests started before identities were sealed carry them in the clear (inside the payload codec).
  if (!('sealed' in identity)) return identity;
  return identitySchema.parse(JSON.parse(decryptField(keys, identity.sealed)));
}
