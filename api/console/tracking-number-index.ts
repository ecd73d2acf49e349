/**
 * Tracking numbers issued before `tracking_numbers` named their request get its name, once per
 * database (a marker in `settings`), so that the Help Desk's look-up stays one read by `_id`.
 */
import { ApplicationRoleRequestModel } from '../../models/application-role';
import { RegistrationModel } from '../../models/registration';
import { SettingModel } from '../../models/settings';
import { TrackingNumberModel } from '../../models/support';

const MARKER = 'trackingNumbersNameTheirRequest';

export async function indexTrackingNumbersOnce(): Promise<void> {
  if (await SettingModel.exists({ _id: MARKER })) return;
  const name = async (trackingNumber: string, kind: 'REGISTRATION' | 'APPLICATION_ROLE', requestId: string, at?: Date | null) =>
    TrackingNumberModel.updateOne(
      { _id: trackingNumber },
      { $set: { kind, requestId }, $setOnInsert: { issuedAt: at ?? new Date() } },
      { upsert: true },
    );
  for (const r of await RegistrationModel.find({ trackingNumber: { $exists: true } }, { trackingNumber: 1, submittedAt: 1 }).lean())
    if (r.trackingNumber) await name(r.trackingNumber, 'REGISTRATION', r._id, r.submittedAt);
  for (const r of await ApplicationRoleRequestModel.find(
    { trackingNumber: { $exists: true } },
    { trackingNumber: 1, submittedAt: 1 },
  ).lean())
    if (r.trackingNumber) await name(r.trackingNumber, 'APPLICATION_ROLE', r._id, r.submittedAt);
  await SettingModel.updateOne({ _id: MARKER }, { $set: { value: true } }, { upsert: true });
}
