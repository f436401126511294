import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeRegistry } from '../nodes/registry.js';
import { createApi } from './app.js';
import type { AppDeps } from './deps.js';
import { documentedRoutes, openApiDocument, operationIdOf } from './openapi.js';
import { createSdkApi } from './sdk-app.js';

const run = promisify(execFile);

/** The document must pass the real tool that client generators and API portals sit on, not our reading of the spec. */
describe('the OpenAPI document under redocly lint (recommended rules, redocly.yaml)', () => {
  let dir: string;
  let doc: ReturnType<typeof openApiDocument>;
  beforeAll(async () => {
    const deps = { db: {}, temporal: {}, registry: await loadNodeRegistry() } as unknown as AppDeps;
    // The whole document the server serves: /api and the Segment/Sensors endpoints at the root.
    createApi(deps);
    createSdkApi(deps);
    doc = openApiDocument();
    dir = await mkdtemp(join(tmpdir(), 'yutang-openapi-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has no errors and no warnings', { timeout: 60_000 }, async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const out = await run(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--config', 'redocly.yaml', '--format', 'json'],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`,
    );
    expect(problems).toEqual([]);
  });

  it('names every operation, uniquely, and resolves recursive schemas from components', () => {
    const ids = documentedRoutes().map(operationIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf({ method: 'get', path: '/api/journeys/:id/stats' })).toBe('getJourneysByIdStats');
    const text = JSON.stringify(doc);
    expect(text).not.toContain('#/$defs/');
    expect(doc.components.schemas).toHaveProperty('AudienceRule');
  });
});
