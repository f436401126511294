// The workflow bundle's entry: every workflow type the worker serves.
export { baselineRun } from './baseline.workflow.js';
export { journeyRun } from './journey.workflow.js';
