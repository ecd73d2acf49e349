/**
 * The status read model (models/registration-view.ts) on the embedded database: a record opened
 * at receipt answers with its token hash before any view, each write replaces the view's text,
 * and a registration received before view records is still answered from its own document until
 * its first new write starts its record with the registration's token hash.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsedRegistrationView } from '../../api/read-models';
import { startFerretDb, type RunningFerretDb } from '../../infra/ferretdb';
import { connectDatabase, disconnectDatabase } from '../../models/connect';
import { RegistrationModel } from '../../models/registration';
import { openViewRecord, storedRegistrationView, writeRegistrationView } from '../../models/registration-view';
import type { RegistrationView } from '../../workflows/messages';

let ferret: RunningFerretDb;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iacs-registration-view-'));
  ferret = await startFerretDb({ dataDir: join(dir, 'db'), logDir: dir });
  await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/iacs`);
}, 60_000);
afterAll(async () => {
  await disconnectDatabase();
  await ferret?.stop();
});

const viewOf = (id: string, status: RegistrationView['status'], extra: Partial<RegistrationView> = {}): RegistrationView => ({
  id,
  role: 'INDIVIDUAL_PRACTITIONER',
  status,
  history: [{ status, at: '2026-12-04T10:00:00.000Z' }],
  ...extra,
});

async function registration(id: string, extra: Record<string, unknown> = {}) {
  await RegistrationModel.create({
    _id: id,
    role: 'INDIVIDUAL_PRACTITIONER',
    community: 'PROVIDER',
    email: `${id}@example.test`,
    firstName: 'Pat',
    lastName: 'Doe',
    applicantTokenHash: `hash-of-${id}`,
    status: 'VALIDATING_IDENTITY',
    ...extra,
  });
}

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
    await registration(id, { view: legacy, status: 'AWAITING_DETAILS' });
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
