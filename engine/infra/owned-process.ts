import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import os from 'node:os';
import { findOnPath } from './temporal-cli.js';

// Servers we start for the app or for tests (Temporal dev server, the app under e2e test) must
// never outlive the process that started them: orphans pile up and hold ports and memory.

const children = new Set<ChildProcess>();
let hooksInstalled = false;

/**
 * Spawns a child in its own process group (so {@link stopOwned} also takes down what it forks) that
 * dies with this process: on Linux `setpriv --pdeathsig` covers even a SIGKILLed parent; exit and
 * signal hooks cover the rest. The child does not keep Node alive by itself.
 */
export async function spawnOwned(
  cmd: string,
  args: string[],
  opts: Omit<SpawnOptions, 'detached' | 'stdio'> = {},
): Promise<ChildProcess> {
  installExitHooks();
  const setpriv = process.platform === 'linux' ? await findOnPath('setpriv', process.env.PATH) : null;
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void })?.unref?.();
  return child;
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopOwned(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Keeps the last `maxChars` of a child's stdout+stderr and passes each line to `onLine`. */
export function collectOutput(
  child: ChildProcess,
  onLine: (line: string) => void = () => {},
  maxChars = 20_000,
): () => string {
  let tail = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-maxChars);
    for (const line of text.split('\n')) if (line.trim()) onLine(line.trimEnd());
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => tail.trim();
}

/**
 * Marks our fallback signal handlers (here and in db/embedded-postgres.ts, which may not import this
 * file): they act only when no other handler is registered, so they must not count each other.
 */
export const FALLBACK_SIGNAL_HANDLER = Symbol.for('yutang.fallback-signal-handler');

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => {
    // SIGTERM, not SIGKILL: the Temporal dev server then closes its SQLite file cleanly.
    for (const child of children) signalGroup(child, 'SIGTERM');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      // Someone else handles this signal (e.g. main.ts shutting down in order): let them, and rely on
      // the exit hook. Otherwise do what the signal would have done, but through process.exit so that
      // every exit hook (this file's, embedded Postgres') takes its server down with us.
      const others = process
        .listeners(signal)
        .filter((l) => !(l as unknown as Record<symbol, unknown>)[FALLBACK_SIGNAL_HANDLER]);
      if (others.length > 0) return;
      process.exit(128 + os.constants.signals[signal]);
    };
    Object.assign(onSignal, { [FALLBACK_SIGNAL_HANDLER]: true });
    process.on(signal, onSignal);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
