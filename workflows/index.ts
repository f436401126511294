// The workflow bundle's entry: every workflow type the worker serves.

export { audiencePass, broadcastRun } from './audience.workflow.js';
export { baselineRun } from './baseline.workflow.js';
export { guideTaskSweep } from './guide.workflow.js';
export { journeyRun } from './journey.workflow.js';
