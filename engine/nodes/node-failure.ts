/**
 * Thrown by a node's `run` when retrying cannot help (bad config, a missing coupon template).
 * The worker turns it into a non-retryable activity failure; the run shows the step as failed
 * and ops can retry it after fixing the cause. Any other error is retried with back-off.
 */
export class NodeFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeFailure';
  }
}
