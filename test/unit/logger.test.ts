import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from '../../infra/logger';

describe('the structured logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON line and redacts every field that names a secret, at any depth', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    log.warn('careless', {
      registrationId: 'r-1',
      ssn: '900-12-0001',
      identity: { firstName: 'Avery', dateOfBirth: '1980-01-15' },
      nested: { password: 'Quiet-Lantern-Meadow-73', answers: ['Springfield'], code: '123456', authorization: 'Bearer abc' },
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', msg: 'careless', registrationId: 'r-1', ssn: '[redacted]', identity: '[redacted]' });
    expect(entry.nested).toEqual({ password: '[redacted]', answers: '[redacted]', code: '[redacted]', authorization: '[redacted]' });
    for (const secret of ['900-12-0001', '1980-01-15', 'Quiet-Lantern', 'Springfield', '123456', 'Bearer abc'])
      expect(lines[0]).not.toContain(secret);
  });
});
