/**
 * The deployment: docker-compose.yml as Docker Compose v2 reads it (`docker compose config`, the
 * CLI built by scripts/setup.sh; no engine needed), its structure, the Dockerfile, and the image's
 * program built with tsc and run by plain node, needing no dev dependency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { searchAttributeSpecs } from '../../domain/search-attributes';
import { assertBinaries, composePath } from '../../infra/binaries';

const ROOT = join(__dirname, '..', '..');
const composeFile = join(ROOT, 'docker-compose.yml');
const secrets = { PAYLOAD_KEYS: 'k1:AAAA', HASH_KEY: 'h', FIELD_KEY: 'f', HELP_DESK_PASSWORD: 'p', OPERATOR_PASSWORD: 'o' };

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  command: z.array(z.string()).nullish(),
  entrypoint: z.array(z.string()).nullish(),
  environment: z.record(z.string(), z.string().nullable()).nullish(),
  deploy: z.looseObject({ replicas: z.number().nullish() }).nullish(),
  volumes: z.array(z.unknown()).nullish(),
});
const composeSchema = z.looseObject({ services: z.record(z.string(), serviceSchema) });

/** The file as Compose resolves it (anchors merged, variables interpolated), in JSON. */
function resolvedCompose() {
  const json = execFileSync(composePath, ['-f', composeFile, 'config', '--format', 'json'], {
    env: { ...process.env, ...secrets },
    encoding: 'utf8',
  });
  return composeSchema.parse(JSON.parse(json));
}

describe('docker-compose.yml', () => {
  beforeAll(() => assertBinaries('compose'));

  it('docker compose config accepts it', () => {
    const result = spawnSync(composePath, ['-f', composeFile, 'config', '--quiet'], {
      env: { ...process.env, ...secrets },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start without the secrets (no development keys in a deployment)', () => {
    const result = spawnSync(composePath, ['-f', composeFile, 'config', '--quiet'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/set (PAYLOAD_KEYS|HASH_KEY|FIELD_KEY|HELP_DESK_PASSWORD|OPERATOR_PASSWORD)/);
  });

  it('runs Temporal on temporalio/server, set up by temporalio/admin-tools with the search attributes', () => {
    const { services } = resolvedCompose();
    expect(readFileSync(composeFile, 'utf8')).not.toContain('auto-setup');
    expect(services.temporal?.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    const admin = Object.values(services).filter((s) => s.image?.startsWith('temporalio/admin-tools:'));
    expect(admin.length).toBeGreaterThanOrEqual(2);
    for (const service of admin) {
      const script = service.entrypoint?.at(-1)?.replace('/deploy/', 'deploy/temporal/');
      expect(script && existsSync(join(ROOT, script)), String(script)).toBe(true);
    }
    const setup = admin.find((s) => s.environment?.SEARCH_ATTRIBUTES !== undefined);
    expect(setup?.environment?.SEARCH_ATTRIBUTES?.split(' ')).toEqual(searchAttributeSpecs());
    expect(readFileSync(join(ROOT, 'deploy', 'temporal', 'setup-namespace.sh'), 'utf8')).toContain('search-attribute create');
  });

  it('pins Mailpit and every other image to a version', () => {
    const { services } = resolvedCompose();
    expect(services.mailpit?.image).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    for (const [name, service] of Object.entries(services)) {
      if (service.image?.startsWith('iacs-registration-app')) continue;
      expect(service.image, name).toMatch(/:[\w.-]*\d[\w.-]*$/);
      expect(service.image, name).not.toMatch(/:latest$/);
    }
  });

  it('runs the API and the worker as separate services of the tsc-built image, the worker twice', () => {
    const { services } = resolvedCompose();
    expect(services.api?.command).toEqual(['node', 'dist/api/main.js']);
    expect(services.worker?.command).toEqual(['node', 'dist/worker.js']);
    expect(services.worker?.deploy?.replicas).toBe(2);
    expect(services.api?.environment?.MONGODB_URI).toContain('replicaSet=');
    for (const service of Object.values(services)) {
      const command = service.command ?? [];
      expect(command.join(' ')).not.toMatch(/tsx/);
      // Each program the app services run is one tsc emits.
      if (command[0] === 'node')
        expect(existsSync(join(ROOT, command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), command[1]).toBe(true);
    }
  });

  it('parses with the npm yaml parser too (anchors and all)', () => {
    const raw = composeSchema.parse(parse(readFileSync(composeFile, 'utf8'), { merge: true }));
    expect(Object.keys(raw.services)).toEqual(expect.arrayContaining(['api', 'worker', 'temporal', 'temporal-ui', 'mailpit', 'mongo']));
  });
});

describe('the image', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const outDir = join(ROOT, '.data', 'build-test');
  const dist = join(outDir, 'dist');

  beforeAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT });
  }, 120_000);

  it('builds with tsc and runs with production dependencies only', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(dockerfile).toContain('tsc -p tsconfig.build.json');
    expect(finalStage).toContain('npm ci --omit=dev');
    expect(finalStage).toMatch(/CMD \["node", "dist\/api\/main\.js"\]/);
    expect(finalStage).not.toMatch(/tsx/);
  });

  it('node runs what tsc emits: the API and the worker load every module and answer --help', () => {
    for (const entry of ['api/main.js', 'worker.js', 'simulators/ssa-simulator.js'])
      expect(existsSync(join(dist, entry)), entry).toBe(true);
    for (const entry of ['api/main.js', 'worker.js']) {
      const result = spawnSync(process.execPath, [join(dist, entry), '--help'], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('environment variables');
    }
  });

  it('what tsc emits requires no dev dependency', () => {
    const pkg = z
      .object({ devDependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
    const dev = Object.keys(pkg.devDependencies);
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.js') ? [join(dir, f)] : [],
      );
    const required = new Set<string>();
    for (const file of files(dist))
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/require(?:\.resolve)?\("([^".][^"]*)"\)/g)) required.add(name!);
    const devUsed = [...required].filter((name) => dev.some((d) => name === d || name.startsWith(`${d}/`)));
    expect(devUsed).toEqual([]);
    expect(required).toContain('express');
  });
});
