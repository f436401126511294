import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exeName, goInstall, isExecutableFile, run } from './go-install.js';
import { DEFAULT_TOOLS_BIN_DIR, findOnPath } from './temporal-cli.js';

/**
 * The Temporal server (and its schema tool) that the opt-in real-server mode builds with `go install`. Its
 * sql tool embeds the Postgres schema of this same version, so the two are pinned together.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.2';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
const PACKAGES = { server: 'cmd/server', sql: 'cmd/tools/sql' } as const;

export type TemporalServerBinarySource = 'env' | 'PATH' | 'go-install';

export interface ResolvedBinary {
  path: string;
  source: TemporalServerBinarySource;
}

export interface TemporalServerBinaries {
  server: ResolvedBinary;
  sqlTool: ResolvedBinary;
}

export interface ResolveTemporalServerBinariesOptions {
  /** Environment to read TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and PATH from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the `go install`ed binaries live. Defaults to `<project>/.tools/bin`. */
  toolsBinDir?: string;
  /** Build with Go when nothing else is found. Defaults to true. */
  allowGoInstall?: boolean;
  /** Progress lines (the one "building…" line). Defaults to `console.error`. */
  log?: (line: string) => void;
}

/** Each binary: the variable that names it, the name it has on PATH (as in Temporal's images) and in `.tools/bin`. */
const BINARIES = {
  server: { envVar: 'TEMPORAL_SERVER_PATH', name: 'temporal-server', goName: 'server' },
  sqlTool: { envVar: 'TEMPORAL_SQL_TOOL_PATH', name: 'temporal-sql-tool', goName: 'sql' },
} as const;
const STAMP = 'temporal-server.version';

/**
 * Finds `temporal-server` and `temporal-sql-tool`, each in this order: its variable (`TEMPORAL_SERVER_PATH`,
 * `TEMPORAL_SQL_TOOL_PATH`) → the name on PATH → the copy pinned to {@link TEMPORAL_SERVER_VERSION} in
 * `.tools/bin` → a build with `go install` into `.tools/bin` (minutes cold; reused after). Throws, saying
 * what it tried and how to fix it, when one cannot be found or built: unlike the dev server there is no
 * download to fall back on.
 *
 * @example
 * const { server, sqlTool } = await resolveTemporalServerBinaries();
 * spawn(server.path, ['--root', dir, '--allow-no-auth', 'start']);
 */
export async function resolveTemporalServerBinaries(
  opts: ResolveTemporalServerBinariesOptions = {},
): Promise<TemporalServerBinaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.error(line));
  const toolsBinDir = opts.toolsBinDir ?? DEFAULT_TOOLS_BIN_DIR;

  const found: Partial<TemporalServerBinaries> = {};
  for (const key of ['server', 'sqlTool'] as const) {
    const explicit = env[BINARIES[key].envVar];
    if (explicit) found[key] = { path: await checkExplicit(BINARIES[key].envVar, explicit), source: 'env' };
    else {
      const onPath = await findOnPath(BINARIES[key].name, env.PATH);
      if (onPath) found[key] = { path: onPath, source: 'PATH' };
    }
  }
  if (found.server && found.sqlTool) return found as TemporalServerBinaries;

  const installed = {
    server: path.join(toolsBinDir, exeName(BINARIES.server.name)),
    sqlTool: path.join(toolsBinDir, exeName(BINARIES.sqlTool.name)),
  };
  const fromTools = () => ({
    server: found.server ?? { path: installed.server, source: 'go-install' as const },
    sqlTool: found.sqlTool ?? { path: installed.sqlTool, source: 'go-install' as const },
  });
  if (await haveInstalled(toolsBinDir, installed)) return fromTools();
  if (await adoptGoNamedBuild(toolsBinDir, installed)) return fromTools();

  const go = opts.allowGoInstall === false ? null : await findOnPath('go', env.PATH);
  if (!go) {
    throw new Error(
      `No Temporal server ${TEMPORAL_SERVER_VERSION} binaries: ${BINARIES.server.envVar}/${BINARIES.sqlTool.envVar} ` +
        `unset, no ${BINARIES.server.name}/${BINARIES.sqlTool.name} on PATH, none built in ${toolsBinDir}, and ` +
        `${opts.allowGoInstall === false ? 'building is not allowed here' : 'no `go` on PATH to build them'}. ` +
        'Install Go and run `npm run temporal:server`, or point the two variables at the binaries.',
    );
  }
  log(
    `Building the Temporal server ${TEMPORAL_SERVER_VERSION} and its sql tool with Go into ${toolsBinDir} ` +
      '(once; several minutes cold)…',
  );
  await goInstall({
    go,
    toolsBinDir,
    env,
    packages: Object.values(PACKAGES).map((p) => `${TEMPORAL_SERVER_MODULE}/${p}@${TEMPORAL_SERVER_VERSION}`),
    binaries: {
      [BINARIES.server.goName]: BINARIES.server.name,
      [BINARIES.sqlTool.goName]: BINARIES.sqlTool.name,
    },
  }).catch((err) => {
    throw new Error(`Could not build the Temporal server with Go: ${(err as Error).message}`);
  });
  await fs.writeFile(path.join(toolsBinDir, STAMP), `${TEMPORAL_SERVER_VERSION}\n`);
  return fromTools();
}

async function checkExplicit(envVar: string, file: string): Promise<string> {
  // A set variable that points nowhere is a mistake to report, not a reason to silently use another binary.
  if (!(await fs.stat(file).catch(() => null)))
    throw new Error(`${envVar}=${file} does not exist. Point it at the binary or unset it.`);
  if (!(await isExecutableFile(file)))
    throw new Error(`${envVar}=${file} is not an executable file. Try: chmod +x ${file}`);
  return path.resolve(file);
}

async function haveInstalled(toolsBinDir: string, installed: { server: string; sqlTool: string }) {
  const stamp = await fs.readFile(path.join(toolsBinDir, STAMP), 'utf8').catch(() => '');
  return (
    stamp.trim() === TEMPORAL_SERVER_VERSION &&
    (await isExecutableFile(installed.server)) &&
    (await isExecutableFile(installed.sqlTool))
  );
}

/**
 * A plain `GOBIN=.tools/bin go install …/cmd/server …/cmd/tools/sql` leaves Go's own names, `server` and
 * `sql`. When both say they are the pinned version, link them under our names instead of building again
 * (the originals stay: someone else may run them by those names).
 */
async function adoptGoNamedBuild(
  toolsBinDir: string,
  installed: { server: string; sqlTool: string },
): Promise<boolean> {
  const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
  const candidates = {
    server: path.join(toolsBinDir, exeName(BINARIES.server.goName)),
    sqlTool: path.join(toolsBinDir, exeName(BINARIES.sqlTool.goName)),
  };
  for (const file of Object.values(candidates)) {
    if (!(await isExecutableFile(file))) return false;
    // `temporal version 1.29.2` / `temporal-sql-tool version 1.29.2`
    const said = await run(file, ['--version'], process.env).catch(() => '');
    if (said.trim().split(/\s+/).at(-1) !== version) return false;
  }
  for (const key of ['server', 'sqlTool'] as const) {
    // Link (or copy where links cannot be made) to a private name, then rename: atomic, as goInstall is.
    const tmp = `${installed[key]}.${process.pid}.tmp`;
    await fs.link(candidates[key], tmp).catch(() => fs.copyFile(candidates[key], tmp));
    await fs.chmod(tmp, 0o755);
    await fs.rename(tmp, installed[key]);
  }
  await fs.writeFile(path.join(toolsBinDir, STAMP), `${TEMPORAL_SERVER_VERSION}\n`);
  return true;
}
