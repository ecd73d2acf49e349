import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSA_FIXTURES, SSA_NON_MATCHING_EXAMPLES } from '../../simulators/ssa-fixtures';
import { startSsaSimulator, type RunningSsaSimulator } from '../../simulators/ssa-simulator';

describe('SSA simulator', () => {
  let ssa: RunningSsaSimulator;

  beforeAll(async () => {
    ssa = await startSsaSimulator();
  });

  afterAll(async () => {
    await ssa?.stop();
  });

  const validate = (body: unknown, raw?: string) =>
    fetch(`${ssa.url}/v1/identity-validations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw ?? JSON.stringify(body),
    });
  const count = async () => ((await (await fetch(`${ssa.url}/control/requests/count`)).json()) as { count: number }).count;
  const setAvailable = (available: boolean) =>
    fetch(`${ssa.url}/control/availability`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available }),
    });

  it('has at least 14 fictional fixtures, all in the never-issued 900-999 area', () => {
    expect(SSA_FIXTURES.length).toBeGreaterThanOrEqual(14);
    expect(new Set(SSA_FIXTURES.map((f) => f.ssn)).size).toBe(SSA_FIXTURES.length);
    for (const { ssn } of [...SSA_FIXTURES, ...SSA_NON_MATCHING_EXAMPLES.map((e) => e.identity)]) {
      expect(Number(ssn.slice(0, 3))).toBeGreaterThanOrEqual(900);
    }
  });

  it('answers MATCH for every fixture, names compared case-insensitively and trimmed', async () => {
    for (const fixture of SSA_FIXTURES) {
      const response = await validate(fixture);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: 'MATCH' });
    }
    const [first] = SSA_FIXTURES;
    const shouty = { ...first, firstName: `  ${first?.firstName.toUpperCase()} `, lastName: first?.lastName.toLowerCase() };
    expect(await (await validate(shouty)).json()).toEqual({ result: 'MATCH' });
  });

  it('answers NO_MATCH for each documented non-matching example', async () => {
    for (const { identity } of SSA_NON_MATCHING_EXAMPLES) {
      const response = await validate(identity);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: 'NO_MATCH' });
    }
  });

  it('rejects malformed bodies with 400 problem+json that does not echo the input', async () => {
    const cases = [
      { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-02-30', ssn: '900-12-0001' },
      { firstName: 'Avery', lastName: 'Testwell', dateOfBirth: '1980-01-15', ssn: '900120001' },
      { firstName: '', lastName: 'Testwell', dateOfBirth: '1980-01-15', ssn: '900-12-0001' },
      { lastName: 'Testwell' },
    ];
    for (const body of cases) {
      const response = await validate(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const text = await response.text();
      expect(text).not.toContain('900120001');
      expect(text).not.toContain('1980-02-30');
      expect(JSON.parse(text)).toMatchObject({ status: 400, title: expect.any(String) });
    }
    const broken = await validate(undefined, '{"ssn": "900-12-0001",');
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await broken.text()).not.toContain('900-12-0001');
  });

  it('answers 503 problem+json while unavailable and counts every attempt', async () => {
    const before = await count();
    expect((await setAvailable(false)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const response = await validate(SSA_FIXTURES[0]);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 503 });
    }
    expect(await count()).toBe(before + 3);

    await setAvailable(true);
    expect(await (await validate(SSA_FIXTURES[0])).json()).toEqual({ result: 'MATCH' });
    expect(await count()).toBe(before + 4);
    expect(ssa.requestCount()).toBe(before + 4);
  });

  it('can be switched by the in-process handle and reset', async () => {
    ssa.setAvailable(false);
    expect((await validate(SSA_FIXTURES[1])).status).toBe(503);
    expect((await fetch(`${ssa.url}/control/reset`, { method: 'POST' })).status).toBe(204);
    expect(await count()).toBe(0);
    expect((await validate(SSA_FIXTURES[1])).status).toBe(200);
    expect((await setAvailable('yes' as unknown as boolean)).status).toBe(400);
  });
});
