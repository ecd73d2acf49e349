/**
 * The registration activities that check what the applicant gives: the identity (SSA), the
 * emailed code (only its keyed hash is stored), the details (and the claim of a further role).
 */
import { unsealCode, unsealIdentity, type SealedIdentity } from '../security/sealed-identity';
import type { RegistrationRole } from '../domain/roles';
import type { Identity, RegistrationDetails } from '../domain/schemas';
import { EmailCodeModel } from '../models/registration';
import { keyedHash, randomDigits, sameHash, type SecretKeys } from '../security/secrets';
import { assessDetails as assess, claimRole, ROLE_ALREADY_REQUESTED, type DetailsAssessment } from './details-assessment';
import * as emails from './emails';
import type { ActivityDeps } from './registration-activities';

const codeHash = (keys: SecretKeys, registrationId: string, codeNumber: number, code: string) =>
  keyedHash(keys, `email-code:${registrationId}:${codeNumber}`, code);

/** The checks of what the applicant gives: the identity (SSA), the emailed code, the details. */
export function applicantChecks({ keys, mailer, ssa }: ActivityDeps) {
  return {
    async validateIdentity(identity: SealedIdentity | Identity): Promise<{ matches: boolean }> {
      return ssa.validate(unsealIdentity(keys, identity));
    },

    async issueEmailCode({
      registrationId,
      email,
      codeNumber,
      validForMs,
    }: {
      registrationId: string;
      email: string;
      codeNumber: number;
      validForMs: number;
    }): Promise<void> {
      const _id = `${registrationId}:${codeNumber}`;
      if ((await EmailCodeModel.findById(_id))?.sentAt) return;
      // A fresh code on every attempt: only the one in the email that went out is valid.
      const code = randomDigits(6);
      await EmailCodeModel.updateOne(
        { _id },
        { $set: { registrationId, number: codeNumber, codeHash: codeHash(keys, registrationId, codeNumber, code), issuedAt: new Date() } },
        { upsert: true },
      );
      await mailer.send(emails.emailVerification(email, code, Math.round(validForMs / 60_000)));
      await EmailCodeModel.updateOne({ _id }, { $set: { sentAt: new Date() } });
    },

    async checkEmailCode({
      registrationId,
      codeNumber,
      code,
    }: {
      registrationId: string;
      codeNumber: number;
      code: string;
    }): Promise<boolean> {
      const stored = await EmailCodeModel.findById(`${registrationId}:${codeNumber}`);
      return stored !== null && sameHash(stored.codeHash, codeHash(keys, registrationId, codeNumber, unsealCode(keys, code)));
    },

    /** The details checked; a person asking for another role also claims that role at that place (models/registration-claims.ts). */
    async assessDetails({
      registrationId,
      role,
      details,
      applicantUserId,
    }: {
      registrationId: string;
      role: RegistrationRole;
      details: RegistrationDetails;
      applicantUserId?: string;
    }): Promise<DetailsAssessment> {
      const verdict = await assess(role, details, applicantUserId);
      if (verdict.outcome !== 'ACCEPTED' || applicantUserId === undefined) return verdict;
      return (await claimRole(registrationId, applicantUserId, role, details)) ? verdict : ROLE_ALREADY_REQUESTED;
    },
  };
}
