import { existsSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { expect, inject, it } from 'vitest';

// The set-up every integration and e2e test stands on: a migrated database, a Temporal server
// that serves the namespace, and the workflow bundle.

it('provides a migrated database of its own', async () => {
  const url = inject('databaseUrl');
  expect(new URL(url).pathname).toMatch(/^\/yutang_test_[0-9a-f]{8}_integration$/);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select count(*)::int as n from kysely_migration');
    expect(rows[0].n).toBeGreaterThan(0);
  } finally {
    await client.end();
  }
});

it('provides a Temporal server that serves the namespace', async () => {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({
      namespace: inject('temporalNamespace'),
    });
    expect(namespaceInfo?.name).toBe(inject('temporalNamespace'));
  } finally {
    await connection.close();
  }
});

it('provides the workflow bundle', () => {
  expect(existsSync(inject('workflowBundlePath'))).toBe(true);
});
