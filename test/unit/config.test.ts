import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';

describe('configuration', () => {
  it('gives applicants 30 minutes for the email code unless told otherwise', () => {
    expect(loadConfig({}).policy.emailCodeTtlMs).toBe(30 * 60 * 1000);
    expect(loadConfig({ EMAIL_CODE_TTL_MS: '5000' }).policy.emailCodeTtlMs).toBe(5000);
  });

  it('keeps the other chart limits of the guides: 5 wrong attempts per code, 3 resends', () => {
    expect(loadConfig({}).policy).toMatchObject({ maxWrongCodeAttempts: 5, maxCodeResends: 3 });
  });

  it('refuses to start in production with development secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PAYLOAD_KEYS must be set/);
    expect(() => loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: 'k:x', HASH_KEY: 'h', FIELD_KEY: 'f' })).toThrow(
      /HELP_DESK_PASSWORD must be set/,
    );
  });

  it('takes the Help Desk account from the environment', () => {
    const config = loadConfig({ HELP_DESK_USER_ID: 'HELPDESK2', HELP_DESK_PASSWORD: 'Another-Long-Passw0rd' });
    expect(config.helpDesk).toMatchObject({ userId: 'HELPDESK2', password: 'Another-Long-Passw0rd' });
  });

  it('speaks plain gRPC to Temporal unless TLS is configured; mTLS needs both the certificate and the key', () => {
    expect(loadConfig({}).temporal.tls).toBeUndefined();
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({ serverName: undefined });
    expect(
      loadConfig({ TEMPORAL_TLS_CA_FILE: '/tls/ca.pem', TEMPORAL_TLS_CERT_FILE: '/tls/c.pem', TEMPORAL_TLS_KEY_FILE: '/tls/k.pem' })
        .temporal.tls,
    ).toMatchObject({ caFile: '/tls/ca.pem', certFile: '/tls/c.pem', keyFile: '/tls/k.pem' });
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: '/tls/c.pem' })).toThrow(/go together/);
  });

  it('loads a workflow bundle built beforehand when WORKFLOW_BUNDLE_PATH names one, else bundles at start', () => {
    expect(loadConfig({}).worker.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ WORKFLOW_BUNDLE_PATH: '/srv/bundle.js' }).worker.workflowBundlePath).toBe('/srv/bundle.js');
  });
});
