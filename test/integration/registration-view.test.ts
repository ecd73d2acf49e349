/**
 * The status read model (models/registration-view.ts) on the embedded database: a record opened
 * at receipt answers with its token hash before any view, each write replaces the view's text,
 * and a registration received before view records is still answered from its own document until
 * its first new write starts its record with the registration's token hash.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsedRegistrationView } from '../../api/read-models';
import { useFerretDb } from '../support/database';
import { storedRegistration } from '../support/records';
import { openViewRecord, storedRegistrationView, writeRegistrationView } from '../../models/registration-view';
import type { RegistrationView } from '../../workflows/messages';

useFerretDb('registration-view');

const viewOf = (id: string, status: RegistrationView['status'], extra: Partial<RegistrationView> = {}): RegistrationView => ({
  id,
  role: 'INDIVIDUAL_PRACTITIONER',
  status,
  history: [{ status, at: '2026-12-04T10:00:00.000Z' }],
  ...extra,
});

describe('the registration view record', () => {
  it('holds the token hash from receipt, then the text of the latest view', async () => {
    const id = randomUUID();
    await openViewRecord(id, 'hash-1');
    await openViewRecord(id, 'hash-other'); // a retried receipt changes nothing
    expect(await storedRegistrationView(id)).toEqual({ applicantTokenHash: 'hash-1', viewJson: undefined });

    await writeRegistrationView(id, JSON.stringify(viewOf(id, 'AWAITING_EMAIL_VERIFICATION', { emailCodeAttemptsLeft: 5 })));
    await writeRegistrationView(id, JSON.stringify(viewOf(id, 'AWAITING_EMAIL_VERIFICATION', { emailCodeAttemptsLeft: 4 })));
    const stored = await storedRegistrationView(id);
    expect(stored?.applicantTokenHash).toBe('hash-1');
    expect(stored && parsedRegistrationView(stored)).toEqual(viewOf(id, 'AWAITING_EMAIL_VERIFICATION', { emailCodeAttemptsLeft: 4 }));
  });

  it('answers a registration from before view records from its own document, until its next write', async () => {
    const id = randomUUID();
    const legacy = viewOf(id, 'AWAITING_DETAILS');
    await storedRegistration(id, { view: legacy, status: 'AWAITING_DETAILS' });
    const before = await storedRegistrationView(id);
    expect(before?.applicantTokenHash).toBe(`hash-of-${id}`);
    expect(before?.viewJson).toBeUndefined();
    expect(before && parsedRegistrationView(before)).toEqual(legacy);

    await writeRegistrationView(id, JSON.stringify(viewOf(id, 'AWAITING_APPROVAL')));
    const after = await storedRegistrationView(id);
    expect(after?.applicantTokenHash).toBe(`hash-of-${id}`);
    expect(after && parsedRegistrationView(after)?.status).toBe('AWAITING_APPROVAL');
  });

  it('knows no registration that was never received, and refuses to write a view for one', async () => {
    const id = randomUUID();
    expect(await storedRegistrationView(id)).toBeUndefined();
    await expect(writeRegistrationView(id, JSON.stringify(viewOf(id, 'AWAITING_DETAILS')))).rejects.toThrow(/not recorded/);
    expect(await storedRegistrationView(id)).toBeUndefined();
  });
});
