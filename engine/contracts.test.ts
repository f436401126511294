import { expectTypeOf, it } from 'vitest';
import type { RunStatus as StoredRunStatus, StepStatus as StoredStepStatus } from '../db/tables/run.table.js';
import type { RunStatus, StepStatus } from '../workflows/core/interpreter.js';

// db/ imports nothing above it, so it keeps its own copy of the statuses; these checks fail `npm run
// typecheck` the day the two differ.
it('the database stores exactly the run statuses the interpreter produces', () => {
  expectTypeOf<StoredRunStatus>().toEqualTypeOf<RunStatus>();
});

it('the database can store every step status the interpreter records', () => {
  expectTypeOf<StepStatus>().toExtend<StoredStepStatus>();
});
