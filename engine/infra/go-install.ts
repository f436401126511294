import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';

// What the Temporal CLI (temporal-cli.ts) and the real Temporal server (temporal-server-binaries.ts) share:
// both are Go programs we build from the Go module proxy into `.tools/bin` when the machine has none.

export const exeName = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface GoInstallOptions {
  /** The `go` binary. */
  go: string;
  toolsBinDir: string;
  env: NodeJS.ProcessEnv;
  /** `module/path@version` arguments; `go install` wants them all from one module at one version. */
  packages: string[];
  /** Name `go install` gives a binary → the name it gets in `toolsBinDir`. */
  binaries: Record<string, string>;
}

/**
 * `go install` into a private folder, then rename into place: a rename is atomic, so two processes
 * building at once never see (or run) a half-written binary.
 */
export async function goInstall(opts: GoInstallOptions): Promise<void> {
  const { toolsBinDir, env } = opts;
  await fs.mkdir(toolsBinDir, { recursive: true });
  const buildDir = await fs.mkdtemp(path.join(toolsBinDir, '.build-'));
  try {
    const output = await run(opts.go, ['install', ...opts.packages], {
      ...env,
      GOBIN: buildDir,
      // Never let go fetch a newer toolchain (no toolchain downloads here), and need no C compiler.
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
      // Go needs a module and build cache; without HOME (some CI shells) keep them next to the tools.
      ...(env.HOME || env.GOPATH ? {} : { GOPATH: path.join(toolsBinDir, '..', 'go') }),
      ...(env.HOME || env.GOCACHE ? {} : { GOCACHE: path.join(toolsBinDir, '..', 'go-build') }),
    });
    for (const [builtName, installedName] of Object.entries(opts.binaries)) {
      const built = path.join(buildDir, exeName(builtName));
      if (!(await isExecutableFile(built)))
        throw new Error(`go install reported success but made no ${builtName} binary.\n${output}`);
      await fs.rename(built, path.join(toolsBinDir, exeName(installedName)));
    }
  } finally {
    await fs.rm(buildDir, { recursive: true, force: true });
  }
}

/** Runs a command to its end; resolves with the tail of its output, rejects with it on a non-zero exit. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${output.trim()}`));
    });
  });
}
