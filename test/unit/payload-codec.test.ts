import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, parseCodecKeys } from '../../security/payload-codec';

const key = () => randomBytes(32).toString('base64');
const identity = { ssn: '900-12-0001', dateOfBirth: '1980-01-15' };
const payload = (): Payload => defaultPayloadConverter.toPayload(identity);
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('latin1');
const meta = (p: Payload, name: string) => Buffer.from(p.metadata?.[name] ?? []).toString();

describe('the AES-256-GCM payload codec', () => {
  it('seals payloads with the current key id in the metadata, and opens them again', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k2:${key()}`));
    const [sealed] = await codec.encode([payload()]);
    expect(meta(sealed!, 'encoding')).toBe('binary/encrypted');
    expect(meta(sealed!, 'encryption-key-id')).toBe('k2');
    expect(text(sealed!)).not.toContain('900-12-0001');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(identity);
  });

  it('rotates: a new current key seals, old keys still open old histories', async () => {
    const oldKey = key();
    const before = new EncryptionCodec(parseCodecKeys(`k1:${oldKey}`));
    const [oldSealed] = await before.encode([payload()]);
    const after = new EncryptionCodec(parseCodecKeys(`k2:${key()},k1:${oldKey}`));
    const [newSealed] = await after.encode([payload()]);
    expect(meta(newSealed!, 'encryption-key-id')).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await after.decode([oldSealed!]))[0]!)).toEqual(identity);
    await expect(before.decode([newSealed!])).rejects.toThrow(/no payload key with id k2/);
  });

  it('refuses a payload that was altered', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k1:${key()}`));
    const [sealed] = await codec.encode([payload()]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  });

  it('passes through payloads it did not seal', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k1:${key()}`));
    const plain = payload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses malformed key settings', () => {
    expect(() => parseCodecKeys('nokey')).toThrow(/keyId:base64key/);
    expect(() => parseCodecKeys(`k1:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
  });
});
