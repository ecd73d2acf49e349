/**
 * A Temporal PayloadCodec that seals every payload with AES-256-GCM, so workflow histories
 * (which operators browse in the Web UI) never hold an SSN, a code or a password in clear.
 * The key id travels in the payload metadata; old keys stay listed to decode old histories.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

interface CodecKeys {
  /** The key new payloads are sealed with. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id1:base64key,id2:base64key`; the first one is current. */
export function parseCodecKeys(spec: string): CodecKeys {
  const entries = spec.split(',').map((part) => {
    const [id, key] = part.split(':');
    if (!id || !key) throw new Error('PAYLOAD_KEYS must look like keyId:base64key[,keyId:base64key]');
    const bytes = Buffer.from(key, 'base64');
    if (bytes.length !== 32) throw new Error(`payload key ${id} must be 32 bytes`);
    return [id, bytes] as const;
  });
  return { currentKeyId: entries[0]![0], keys: new Map(entries) };
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly codecKeys: CodecKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.codecKeys.currentKeyId;
    const key = this.codecKeys.keys.get(keyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(keyId) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.codecKeys.keys.get(keyId);
      if (!key) throw new Error(`no payload key with id ${keyId}`);
      const data = Buffer.from(payload.data ?? []);
      const iv = data.subarray(0, 12);
      const tag = data.subarray(data.length - 16);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
