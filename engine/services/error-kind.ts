/**
 * What a failure means for whoever retries:
 * - `unavailable`: a server we need cannot be reached (Temporal, Postgres) — the API answers 503, and the work
 *   is retried once it is back;
 * - `retryable`: a passing conflict (deadlock, serialization failure, rate limit) — retry soon;
 * - `permanent`: retrying the same thing gives the same answer (a bug, a bad plan, a refused request).
 */
export type ErrorKind = 'unavailable' | 'retryable' | 'permanent';

// gRPC status codes (Temporal)
const GRPC_UNAVAILABLE = new Set([14 /* UNAVAILABLE */, 4 /* DEADLINE_EXCEEDED */]);
const GRPC_RETRYABLE = new Set([8 /* RESOURCE_EXHAUSTED */, 10 /* ABORTED */, 1 /* CANCELLED */]);
// the request itself is wrong: asking again gets the same answer
const GRPC_PERMANENT = new Set([3, 5, 6, 7, 9, 11, 12, 16]);
// SQLSTATE (Postgres): class 08 is "connection exception"
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const PG_RETRYABLE = new Set(['40001', '40P01', '55P03', '57014']);
const SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection error|connection (is )?closed|econnrefused/i;

export function errorKind(err: unknown): ErrorKind {
  let sawServiceError = false;
  let e = err as { name?: string; code?: unknown; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++, e = e.cause as typeof e) {
    if (e.name === 'ConnectionError') return 'unavailable';
    if (e.name === 'ServiceError') sawServiceError = true;
    if (typeof e.code === 'number') {
      if (GRPC_UNAVAILABLE.has(e.code)) return 'unavailable';
      if (GRPC_RETRYABLE.has(e.code)) return 'retryable';
      if (GRPC_PERMANENT.has(e.code)) return 'permanent';
    }
    if (typeof e.code === 'string') {
      if (e.code.startsWith('08') || PG_UNAVAILABLE.has(e.code) || SOCKET.has(e.code)) return 'unavailable';
      if (PG_RETRYABLE.has(e.code)) return 'retryable';
    }
    if (typeof e.message === 'string' && CONNECTION_MESSAGE.test(e.message)) return 'unavailable';
  }
  // A Temporal service error with no status we know: the service answered oddly; worth another try.
  return sawServiceError ? 'retryable' : 'permanent';
}

export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 1000);
}
