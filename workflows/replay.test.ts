import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/**
 * Running members' histories must replay on today's workflow code: a change that breaks this needs patched().
 * The histories are real runs recorded by the integration tests (RECORD_HISTORIES=1, see engine/testing/stack.ts
 * `recordHistory`): welcome-*.json ran plan v1 (before node behaviours), v2-*.json cover goals, exits, quiet-hour
 * deferrals, time-of-day waits, sticky holdouts and a large plan loaded by regions.
 */
describe('workflow replay against recorded histories', () => {
  it('has recorded histories to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)(
    '%s replays deterministically',
    async (file) => {
      const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      await Worker.runReplayHistory(
        { workflowsPath: join(dirname(fileURLToPath(import.meta.url)), 'index.ts'), replayName: file },
        history,
        file,
      );
    },
    120_000,
  );
});
