/** The Temporal client side: one data converter (with the payload codec) for the API and tests. */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, parseCodecKeys } from '../security/payload-codec';

export function dataConverterFor(payloadKeys: string): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(parseCodecKeys(payloadKeys))] };
}

export async function connectTemporalClient(opts: { address: string; namespace: string; payloadKeys: string }): Promise<Client> {
  const connection = await Connection.connect({ address: opts.address });
  return new Client({ connection, namespace: opts.namespace, dataConverter: dataConverterFor(opts.payloadKeys) });
}
