/** The Temporal client side: one data converter (with the payload codec) for the API and tests. */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { TemporalTlsFiles } from '../config';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, parseCodecKeys } from '../security/payload-codec';

export function dataConverterFor(payloadKeys: string): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(parseCodecKeys(payloadKeys))] };
}

/** The SDK's TLS options from the configured files (the same for the client and the worker). */
export function temporalTlsConfig(files: TemporalTlsFiles | undefined): TLSConfig | undefined {
  if (!files) return undefined;
  return {
    ...(files.serverName && { serverNameOverride: files.serverName }),
    ...(files.caFile && { serverRootCACertificate: readFileSync(files.caFile) }),
    ...(files.certFile && files.keyFile && { clientCertPair: { crt: readFileSync(files.certFile), key: readFileSync(files.keyFile) } }),
  };
}

export async function connectTemporalClient(opts: {
  address: string;
  namespace: string;
  payloadKeys: string;
  tls?: TemporalTlsFiles;
}): Promise<Client> {
  const connection = await Connection.connect({ address: opts.address, tls: temporalTlsConfig(opts.tls) });
  return new Client({ connection, namespace: opts.namespace, dataConverter: dataConverterFor(opts.payloadKeys) });
}
