import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exeName, goInstall, isExecutableFile } from './go-install.js';

/**
 * The Temporal CLI we build with `go install` when none is on the machine. Later tags are rejected by
 * `go install`, so a bump needs a check that the new tag still installs.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'go-install';

export interface ResolvedTemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface ResolveTemporalCliOptions {
  /** Environment to read TEMPORAL_CLI_PATH and PATH from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where a `go install`ed CLI lives. Defaults to `<project>/.tools/bin`. */
  toolsBinDir?: string;
  /** Build with Go when nothing else is found. Defaults to true. */
  allowGoInstall?: boolean;
  /** Progress lines (the one "building…" line, failures). Defaults to `console.error`. */
  log?: (line: string) => void;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_TOOLS_BIN_DIR = path.join(projectRoot, '.tools', 'bin');

/** Finds an executable on a PATH string, like `which`. Returns null when absent. */
export async function findOnPath(name: string, pathValue: string | undefined): Promise<string | null> {
  for (const dir of (pathValue ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exeName(name));
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * Finds the Temporal CLI, in this order: `TEMPORAL_CLI_PATH` → `temporal` on PATH → a CLI pinned to
 * {@link TEMPORAL_CLI_VERSION} that we `go install` into `.tools/bin` (reused once built) → null, in which
 * case the caller falls back to the Temporal SDK's own download.
 *
 * @example
 * const cli = await resolveTemporalCli();
 * if (cli) spawn(cli.path, ['server', 'start-dev']);
 */
export async function resolveTemporalCli(
  opts: ResolveTemporalCliOptions = {},
): Promise<ResolvedTemporalCli | null> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.error(line));
  const toolsBinDir = opts.toolsBinDir ?? DEFAULT_TOOLS_BIN_DIR;

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    // A set variable that points nowhere is a mistake to report, not a reason to silently use another CLI.
    const stat = await fs.stat(explicit).catch(() => null);
    if (!stat)
      throw new Error(
        `TEMPORAL_CLI_PATH=${explicit} does not exist. Point it at a Temporal CLI binary or unset it.`,
      );
    if (!(await isExecutableFile(explicit))) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file. Try: chmod +x ${explicit}`);
    }
    return { path: path.resolve(explicit), source: 'TEMPORAL_CLI_PATH' };
  }

  const onPath = await findOnPath('temporal', env.PATH);
  if (onPath) return { path: onPath, source: 'PATH' };

  const installed = path.join(toolsBinDir, exeName('temporal'));
  const stampFile = path.join(toolsBinDir, 'temporal.version');
  const stamp = await fs.readFile(stampFile, 'utf8').catch(() => '');
  const haveBuilt = await isExecutableFile(installed);
  if (haveBuilt && stamp.trim() === TEMPORAL_CLI_VERSION) return { path: installed, source: 'go-install' };

  const go = opts.allowGoInstall === false ? null : await findOnPath('go', env.PATH);
  if (!go) {
    // An older pinned build still beats downloading; it only lacks the version bump.
    return haveBuilt ? { path: installed, source: 'go-install' } : null;
  }

  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${toolsBinDir} (once; a minute or two cold)…`,
  );
  try {
    await goInstall({
      go,
      toolsBinDir,
      env,
      packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      binaries: { temporal: 'temporal' },
    });
  } catch (err) {
    log(`Could not build the Temporal CLI with Go: ${(err as Error).message}`);
    return haveBuilt ? { path: installed, source: 'go-install' } : null;
  }
  await fs.writeFile(stampFile, `${TEMPORAL_CLI_VERSION}\n`);
  return { path: installed, source: 'go-install' };
}
