import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTemporalCli, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION } from './temporal-cli.js';

// Real folders with real executables standing in for `temporal` and `go`: the resolver is exercised
// end to end, including the `go install` call and its environment, without building anything.

let root: string;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function executable(file: string, body = 'exit 0'): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A fake `go` that records its arguments and env, then "builds" a temporal binary into $GOBIN. */
async function fakeGo(dir: string, { fail = false } = {}): Promise<string> {
  const record = path.join(root, 'go-calls.log');
  const build = fail
    ? 'echo "go: module lookup failed" >&2; exit 1'
    : 'printf "#!/bin/sh\\necho built\\n" > "$GOBIN/temporal"; /bin/chmod +x "$GOBIN/temporal"';
  await executable(
    path.join(dir, 'go'),
    `echo "$* GOTOOLCHAIN=$GOTOOLCHAIN CGO_ENABLED=$CGO_ENABLED" >> ${record}\n${build}`,
  );
  return record;
}

const goCalls = async () =>
  (await fs.readFile(path.join(root, 'go-calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-cli-test-'));
  lines.length = 0;
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('resolveTemporalCli', () => {
  it('prefers TEMPORAL_CLI_PATH over a temporal on PATH', async () => {
    const explicit = await executable(path.join(root, 'explicit', 'my-temporal'));
    const pathDir = path.join(root, 'path');
    await executable(path.join(pathDir, 'temporal'));
    const found = await resolveTemporalCli({
      env: { TEMPORAL_CLI_PATH: explicit, PATH: pathDir },
      toolsBinDir: path.join(root, 'tools'),
      log,
    });
    expect(found).toEqual({ path: explicit, source: 'TEMPORAL_CLI_PATH' });
  });

  it('rejects a TEMPORAL_CLI_PATH that does not exist or cannot run, instead of using another CLI', async () => {
    const pathDir = path.join(root, 'path');
    await executable(path.join(pathDir, 'temporal'));
    const missing = path.join(root, 'nope');
    await expect(
      resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: missing, PATH: pathDir }, log }),
    ).rejects.toThrow(`TEMPORAL_CLI_PATH=${missing} does not exist`);

    const notExecutable = path.join(root, 'plain-file');
    await fs.writeFile(notExecutable, 'data', { mode: 0o644 });
    await expect(
      resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: notExecutable, PATH: pathDir }, log }),
    ).rejects.toThrow('is not an executable file');
  });

  it('finds temporal on PATH in PATH order, skipping files that are not executable', async () => {
    const first = path.join(root, 'a');
    const second = path.join(root, 'b');
    await fs.mkdir(first, { recursive: true });
    await fs.writeFile(path.join(first, 'temporal'), 'not executable', { mode: 0o644 });
    const real = await executable(path.join(second, 'temporal'));
    await fakeGo(path.join(root, 'gobin'));
    const found = await resolveTemporalCli({
      env: { PATH: [first, second, path.join(root, 'gobin')].join(path.delimiter) },
      toolsBinDir: path.join(root, 'tools'),
      log,
    });
    expect(found).toEqual({ path: real, source: 'PATH' });
    expect(await goCalls()).toEqual([]);
  });

  it('builds the pinned version with go into the tools folder once, then reuses it', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const toolsBinDir = path.join(root, 'project', '.tools', 'bin');
    const env = { PATH: goDir, HOME: root };

    const built = await resolveTemporalCli({ env, toolsBinDir, log });
    expect(built).toEqual({ path: path.join(toolsBinDir, 'temporal'), source: 'go-install' });
    expect(await goCalls()).toEqual([
      `install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} GOTOOLCHAIN=local CGO_ENABLED=0`,
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Building the Temporal CLI v1\.5\.1/);
    // The private build folder is gone; only the binary and its version stamp remain.
    expect((await fs.readdir(toolsBinDir)).sort()).toEqual(['temporal', 'temporal.version']);

    const again = await resolveTemporalCli({ env, toolsBinDir, log });
    expect(again).toEqual(built);
    expect(await goCalls()).toHaveLength(1);

    // Reused even where go is gone.
    expect(await resolveTemporalCli({ env: { PATH: '' }, toolsBinDir, log })).toEqual(built);
  });

  it('rebuilds a CLI built for another pinned version when go is there', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const toolsBinDir = path.join(root, 'tools');
    await executable(path.join(toolsBinDir, 'temporal'));
    await fs.writeFile(path.join(toolsBinDir, 'temporal.version'), 'v0.0.1\n');
    await resolveTemporalCli({ env: { PATH: goDir, HOME: root }, toolsBinDir, log });
    expect(await goCalls()).toHaveLength(1);
    expect(await fs.readFile(path.join(toolsBinDir, 'temporal.version'), 'utf8')).toBe(
      `${TEMPORAL_CLI_VERSION}\n`,
    );
  });

  it('returns null when nothing is found and there is no go, or go fails', async () => {
    const toolsBinDir = path.join(root, 'tools');
    expect(
      await resolveTemporalCli({ env: { PATH: path.join(root, 'empty') }, toolsBinDir, log }),
    ).toBeNull();
    expect(lines).toEqual([]);

    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir, { fail: true });
    expect(await resolveTemporalCli({ env: { PATH: goDir, HOME: root }, toolsBinDir, log })).toBeNull();
    expect(lines.at(-1)).toMatch(/Could not build the Temporal CLI with Go: .*module lookup failed/s);
  });

  it('does not build when go install is not allowed', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const found = await resolveTemporalCli({
      env: { PATH: goDir },
      toolsBinDir: path.join(root, 'tools'),
      allowGoInstall: false,
      log,
    });
    expect(found).toBeNull();
    expect(await goCalls()).toEqual([]);
  });
});
