import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  resolveTemporalServerBinaries,
  TEMPORAL_SERVER_MODULE,
  TEMPORAL_SERVER_VERSION,
} from './temporal-server-binaries.js';

// Real folders with real executables standing in for the server, the sql tool and `go`: the resolver runs
// end to end, `go install` call and `--version` checks included, without building anything.

let root: string;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function executable(file: string, body = 'exit 0'): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A fake `go` that records its arguments and env, then "builds" Go's `server` and `sql` into $GOBIN. */
async function fakeGo(dir: string, { fail = false } = {}) {
  const build = fail
    ? 'echo "go: module lookup failed" >&2; exit 1'
    : 'for b in server sql; do printf "#!/bin/sh\\necho built $b\\n" > "$GOBIN/$b"; /bin/chmod +x "$GOBIN/$b"; done';
  await executable(
    path.join(dir, 'go'),
    `echo "$* GOTOOLCHAIN=$GOTOOLCHAIN CGO_ENABLED=$CGO_ENABLED" >> ${path.join(root, 'go-calls.log')}\n${build}`,
  );
}

const goCalls = async () =>
  (await fs.readFile(path.join(root, 'go-calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'yutang-server-bin-test-'));
  lines.length = 0;
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('resolveTemporalServerBinaries', () => {
  it('takes each binary from its variable first, then from PATH', async () => {
    const server = await executable(path.join(root, 'explicit', 'my-server'));
    const pathDir = path.join(root, 'path');
    await executable(path.join(pathDir, 'temporal-server'));
    const sqlTool = await executable(path.join(pathDir, 'temporal-sql-tool'));
    const found = await resolveTemporalServerBinaries({
      env: { TEMPORAL_SERVER_PATH: server, PATH: pathDir },
      toolsBinDir: path.join(root, 'tools'),
      log,
    });
    expect(found).toEqual({
      server: { path: server, source: 'env' },
      sqlTool: { path: sqlTool, source: 'PATH' },
    });
  });

  it('rejects a variable that points nowhere or at something that cannot run', async () => {
    const missing = path.join(root, 'nope');
    await expect(
      resolveTemporalServerBinaries({ env: { TEMPORAL_SQL_TOOL_PATH: missing, PATH: '' }, log }),
    ).rejects.toThrow(`TEMPORAL_SQL_TOOL_PATH=${missing} does not exist`);
    const plain = path.join(root, 'plain');
    await fs.writeFile(plain, 'data', { mode: 0o644 });
    await expect(
      resolveTemporalServerBinaries({ env: { TEMPORAL_SERVER_PATH: plain, PATH: '' }, log }),
    ).rejects.toThrow('is not an executable file');
  });

  it('builds both pinned binaries with one go install, renames them, and reuses them after', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const toolsBinDir = path.join(root, 'project', '.tools', 'bin');
    const env = { PATH: goDir, HOME: root };

    const built = await resolveTemporalServerBinaries({ env, toolsBinDir, log });
    expect(built).toEqual({
      server: { path: path.join(toolsBinDir, 'temporal-server'), source: 'go-install' },
      sqlTool: { path: path.join(toolsBinDir, 'temporal-sql-tool'), source: 'go-install' },
    });
    expect(await goCalls()).toEqual([
      `install ${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION} ` +
        `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION} GOTOOLCHAIN=local CGO_ENABLED=0`,
    ]);
    expect(lines).toEqual([expect.stringMatching(/Building the Temporal server v1\.29\.2/)]);
    expect((await fs.readdir(toolsBinDir)).sort()).toEqual([
      'temporal-server',
      'temporal-server.version',
      'temporal-sql-tool',
    ]);

    expect(await resolveTemporalServerBinaries({ env, toolsBinDir, log })).toEqual(built);
    expect(await resolveTemporalServerBinaries({ env: { PATH: '' }, toolsBinDir, log })).toEqual(built);
    expect(await goCalls()).toHaveLength(1);
  });

  it('rebuilds binaries stamped with another version', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const toolsBinDir = path.join(root, 'tools');
    await executable(path.join(toolsBinDir, 'temporal-server'));
    await executable(path.join(toolsBinDir, 'temporal-sql-tool'));
    await fs.writeFile(path.join(toolsBinDir, 'temporal-server.version'), 'v1.20.0\n');
    await resolveTemporalServerBinaries({ env: { PATH: goDir, HOME: root }, toolsBinDir, log });
    expect(await goCalls()).toHaveLength(1);
    expect(await fs.readFile(path.join(toolsBinDir, 'temporal-server.version'), 'utf8')).toBe(
      `${TEMPORAL_SERVER_VERSION}\n`,
    );
  });

  it("adopts a plain go install's `server` and `sql` at the pinned version, keeping the originals", async () => {
    const toolsBinDir = path.join(root, 'tools');
    await executable(path.join(toolsBinDir, 'server'), 'echo "temporal version 1.29.2"');
    await executable(path.join(toolsBinDir, 'sql'), 'echo "temporal-sql-tool version 1.29.2"');
    const found = await resolveTemporalServerBinaries({ env: { PATH: '' }, toolsBinDir, log });
    expect(found.server).toEqual({ path: path.join(toolsBinDir, 'temporal-server'), source: 'go-install' });
    expect((await fs.readdir(toolsBinDir)).sort()).toEqual([
      'server',
      'sql',
      'temporal-server',
      'temporal-server.version',
      'temporal-sql-tool',
    ]);
    expect(await fs.readFile(found.sqlTool.path, 'utf8')).toContain('temporal-sql-tool version 1.29.2');
  });

  it('builds instead of adopting Go-named binaries of another version', async () => {
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir);
    const toolsBinDir = path.join(root, 'tools');
    await executable(path.join(toolsBinDir, 'server'), 'echo "temporal version 1.28.0"');
    await executable(path.join(toolsBinDir, 'sql'), 'echo "temporal-sql-tool version 1.28.0"');
    const found = await resolveTemporalServerBinaries({ env: { PATH: goDir, HOME: root }, toolsBinDir, log });
    expect(await goCalls()).toHaveLength(1);
    expect(await fs.readFile(found.server.path, 'utf8')).toContain('built server');
  });

  it('says what it tried and how to fix it when nothing is found and there is no go, or go fails', async () => {
    const toolsBinDir = path.join(root, 'tools');
    await expect(resolveTemporalServerBinaries({ env: { PATH: '' }, toolsBinDir, log })).rejects.toThrow(
      /no temporal-server\/temporal-sql-tool on PATH.*no `go` on PATH.*npm run temporal:server/,
    );
    const goDir = path.join(root, 'go-bin');
    await fakeGo(goDir, { fail: true });
    await expect(
      resolveTemporalServerBinaries({ env: { PATH: goDir, HOME: root }, toolsBinDir, log }),
    ).rejects.toThrow(/Could not build the Temporal server with Go: .*module lookup failed/s);
    await expect(
      resolveTemporalServerBinaries({ env: { PATH: goDir }, toolsBinDir, allowGoInstall: false, log }),
    ).rejects.toThrow('building is not allowed here');
  });
});
