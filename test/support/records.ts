/** Documents written straight to MongoDB for integration tests of the models and read models. */
import { RegistrationModel } from '../../models/registration';

/** A registration as the workflow records it at receipt (`recordRegistration`), with `fields` over it. */
export async function storedRegistration(id: string, fields: Record<string, unknown> = {}): Promise<void> {
  await RegistrationModel.create({
    _id: id,
    role: 'INDIVIDUAL_PRACTITIONER',
    community: 'PROVIDER',
    email: `${id}@example.test`,
    firstName: 'Pat',
    lastName: 'Doe',
    applicantTokenHash: `hash-of-${id}`,
    status: 'VALIDATING_IDENTITY',
    ...fields,
  });
}
