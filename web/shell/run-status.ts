import type { RunStatus } from '../api/types';

/**
 * How each run status looks. `satisfies` ties the list to the engine's RunStatus: a status the engine adds
 * is a type error here until it has a colour (and the filter offers it).
 */
export const RUN_STATUS_COLOR = {
  running: 'blue',
  waiting: 'cyan',
  completed: 'green',
  converted: 'purple',
  exited: 'orange',
  failed: 'red',
  cancelled: 'default',
} satisfies Record<RunStatus, string>;

/** Every run status, in the order the filters offer them. */
export const RUN_STATUSES = Object.keys(RUN_STATUS_COLOR) as RunStatus[];

/** Still inside the journey: running, waiting, or failed and waiting for a retry. */
export function isLive(status: RunStatus): boolean {
  return status === 'running' || status === 'waiting' || status === 'failed';
}

/** A timer that matters to ops: the run sleeps until then (a wait or a deferral). */
export function isWaiting(status: RunStatus): boolean {
  return status === 'running' || status === 'waiting';
}
