import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { ACTION_ATTEMPTS, type ActionRequest, createActivities } from './activities.js';

const request: ActionRequest = {
  workspaceId: 'w',
  journeyId: 'j',
  runId: 'r',
  memberId: 'm',
  nodeId: 'n',
  nodeType: 'message',
  typeVersion: 1,
  config: {},
  visit: 1,
  vars: {},
};

/** What runAction throws at `attempt` when the node throws `err`. */
async function failureAt(attempt: number, err: Error): Promise<unknown> {
  const { runAction } = createActivities({
    db: {} as Kysely<Database>, // not reached: the request carries no progress
    executeNode: async () => {
      throw err;
    },
    resolveDeadline: async () => 0,
    planNodes: async () => [],
  });
  return new MockActivityEnvironment({ attempt }).run(runAction, request).catch((e: unknown) => e);
}

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('runAction retry budget', () => {
  it('lets an ordinary failure retry until the budget is spent, then makes it final', async () => {
    const early = await failureAt(ACTION_ATTEMPTS - 1, new Error('provider said 502'));
    expect(early).not.toBeInstanceOf(ApplicationFailure);
    const last = await failureAt(ACTION_ATTEMPTS, new Error('provider said 502'));
    expect(last).toBeInstanceOf(ApplicationFailure);
    expect((last as ApplicationFailure).nonRetryable).toBe(true);
    expect((last as ApplicationFailure).message).toBe('provider said 502');
  });

  it('keeps retrying while the database is unreachable, however long', async () => {
    const failure = await failureAt(ACTION_ATTEMPTS * 10, refused());
    expect(failure).not.toBeInstanceOf(ApplicationFailure);
    expect((failure as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('makes a NodeFailure final at once', async () => {
    const failure = await failureAt(1, Object.assign(new Error('no template'), { name: 'NodeFailure' }));
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
  });
});
