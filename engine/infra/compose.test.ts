import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
}

/**
 * No Docker engine runs here, so the production shape is held by reading the file: the roles, what is
 * published, what waits for what. Where the Compose CLI exists, `docker compose config` must accept it too.
 */
describe('docker-compose.yml: the production shape', async () => {
  const compose = parse(await readFile('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const s = compose.services;

  it('runs the Temporal server on Postgres after its schema job, with the Web UI and a namespace job', () => {
    expect(s.temporal.image).toMatch(/^temporalio\/server:\$\{TEMPORAL_VERSION:-1\.29\.2\}$/);
    expect(s.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(s.temporal.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(s['temporal-schema'].command?.join('\n')).toContain('update-schema');
    expect(s['temporal-namespace'].depends_on?.temporal?.condition).toBe('service_healthy');
    expect(s['temporal-ui'].environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('publishes no Temporal port, and every published port on loopback unless YUTANG_BIND says otherwise', () => {
    expect(s.temporal.ports).toBeUndefined();
    const published = Object.values(s).flatMap((x) => x.ports ?? []);
    for (const p of published) expect(p).toMatch(/^(127\.0\.0\.1|\$\{YUTANG_BIND:-127\.0\.0\.1\}):/);
    expect(published.join(' ')).not.toContain('7233');
  });

  it('runs one api process and two workers of the same image, secrets from the environment', () => {
    expect(s.api.command?.slice(-1)).toEqual(['api']);
    expect(s.worker.command?.slice(-1)).toEqual(['worker']);
    expect(s.worker.image).toBe(s.api.image);
    expect(s.worker.deploy?.replicas).toBe(2);
    expect(s.api.environment?.YUTANG_SECRET_KEY).toMatch(/^\$\{YUTANG_SECRET_KEY:\?/);
    expect(s.worker.environment).toEqual(s.api.environment);
    for (const app of [s.api, s.worker])
      expect(app.depends_on?.['temporal-namespace']?.condition).toBe('service_healthy');
  });

  const cli = await run('docker', ['compose', 'version']).then(
    () => true,
    () => false,
  );
  it.skipIf(!cli)('passes `docker compose config` where the Compose CLI exists', async () => {
    const out = await run('docker', ['compose', 'config', '--format', 'json'], {
      env: { ...process.env, YUTANG_SECRET_KEY: 'compose-config-check' },
    });
    const resolved = JSON.parse(out.stdout) as { services: Record<string, Service> };
    expect(Object.keys(resolved.services).sort()).toEqual(
      [
        'api',
        'postgres',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
  });
});
