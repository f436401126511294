import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The process's structured logger: one JSON object per line on stdout, level from `LOG_LEVEL`
 * (`info` by default; `warn` inside the test runner, where request lines would drown the report).
 * Lines carry what they are about — `reqId` on API lines, `journeyId` / `runId` / `memberId` on
 * worker lines — through child loggers.
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const wanted = env.LOG_LEVEL?.toLowerCase();
  if (wanted && !LEVELS.includes(wanted)) {
    throw new Error(`LOG_LEVEL=${env.LOG_LEVEL} is not one of ${LEVELS.join(', ')}`);
  }
  return pino({
    level: wanted || (env.VITEST ? 'warn' : 'info'),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export const logger = createLogger();

/** `error` for a log line: message and code, the stack only at debug (outage errors repeat by the thousand). */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: { message: String(err) } };
  const e = err as Error & { code?: unknown };
  return {
    error: {
      type: e.name,
      message: e.message,
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(logger.isLevelEnabled('debug') ? { stack: e.stack } : {}),
    },
  };
}
