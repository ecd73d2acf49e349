/**
 * The read model that status reads are answered from: one small record per registration with
 * the hash of its applicant token and its public view (`GET /registrations/:id`,
 * workflows/messages.ts `RegistrationView`) as the JSON text the API sends. It lives apart from
 * the registration because FerretDB unpacks the whole stored document to answer any read of it,
 * projection or not, and a registration (details, route, history) is about ten times the size
 * of its view: an applicant polling their status costs one read of this record by `_id`.
 * The workflow writes it (activities `recordRegistration`, `recordView`) before it answers the
 * message that changed the view.
 */
import { Schema, model } from 'mongoose';
import { RegistrationModel } from './registration';

const registrationViewRecordSchema = new Schema(
  {
    _id: { type: String, required: true },
    applicantTokenHash: { type: String, required: true },
    /** `JSON.stringify` of the workflow's `RegistrationView`; absent until its first write. */
    viewJson: { type: String },
  },
  { collection: 'registration_views', versionKey: false },
);
const RegistrationViewModel = model('RegistrationView', registrationViewRecordSchema);

/** What the API answers a registration's applicant from. */
export interface StoredRegistrationView {
  applicantTokenHash: string;
  /** The view as the API sends it. */
  viewJson?: string;
  /** The view a worker wrote into the registration before view records (read only when there is no record). */
  legacyView?: unknown;
}

/** The record of a registration just received: its token hash, before any view. */
export async function openViewRecord(registrationId: string, applicantTokenHash: string): Promise<void> {
  await RegistrationViewModel.updateOne({ _id: registrationId }, { $setOnInsert: { applicantTokenHash } }, { upsert: true });
}

/**
 * Writes a registration's view. A registration received before view records has none: its record
 * starts here, with the token hash its registration holds.
 */
export async function writeRegistrationView(registrationId: string, viewJson: string): Promise<void> {
  const { matchedCount } = await RegistrationViewModel.updateOne({ _id: registrationId }, { $set: { viewJson } });
  if (matchedCount > 0) return;
  const registration = await RegistrationModel.findById(registrationId, { applicantTokenHash: 1 }).lean();
  if (!registration) throw new Error(`registration ${registrationId} is not recorded`);
  await RegistrationViewModel.updateOne(
    { _id: registrationId },
    { $set: { viewJson }, $setOnInsert: { applicantTokenHash: registration.applicantTokenHash } },
    { upsert: true },
  );
}

/**
 * A registration's token hash and view: one read by `_id` of its record; for a registration
 * without one (received before view records, and not changed since), the registration itself.
 */
export async function storedRegistrationView(registrationId: string): Promise<StoredRegistrationView | undefined> {
  const record = await RegistrationViewModel.findById(registrationId).lean();
  if (record) return { applicantTokenHash: record.applicantTokenHash, viewJson: record.viewJson ?? undefined };
  const legacy = await RegistrationModel.findById(registrationId, { applicantTokenHash: 1, view: 1 }).lean();
  return legacy ? { applicantTokenHash: legacy.applicantTokenHash, legacyView: legacy.view ?? undefined } : undefined;
}
