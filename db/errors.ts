/**
 * Whether an error means "the database cannot be reached right now" — a restart, a fail-over, a dropped
 * connection, a full pool that could not connect in time — as opposed to a bad query or bad data.
 * The API answers these with 503 and the worker's activities retry them without spending their budget.
 *
 * Walks `cause` and AggregateError's `errors` (Node reports a refused connection to every address of a
 * host as one AggregateError).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return someCause(err, (e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    if (NETWORK_CODES.has(code)) return true;
    // SQLSTATE: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or
    // shutting down), 53300 too_many_connections; class 08 is "connection exception".
    if (SQLSTATES.has(code) || (/^08[0-9A-Z]{3}$/.test(code) && code !== '08P01')) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return MESSAGES.some((m) => message.includes(m));
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

// node-postgres and pg-pool say these in words only, without a code.
const MESSAGES = [
  'Connection terminated', // "… unexpectedly", "… due to connection timeout"
  'timeout exceeded when trying to connect', // pg-pool: no connection within connectionTimeoutMillis
  'Client has encountered a connection error and is not queryable',
  'Connection ended unexpectedly',
  'the database system is starting up',
  'the database system is shutting down',
  'terminating connection due to administrator command',
];

function someCause(err: unknown, test: (e: { code?: unknown; message?: unknown }) => boolean): boolean {
  const seen = new Set<unknown>();
  const stack = [err];
  while (stack.length) {
    const e = stack.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (test(e as { code?: unknown; message?: unknown })) return true;
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    stack.push(cause);
    if (Array.isArray(errors)) stack.push(...errors);
  }
  return false;
}
