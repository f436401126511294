// `npm start`: build the web UI and the workflow bundle when they are missing or older than their
// sources, then run API + worker + web on one port (`tsx engine/main.ts all`). Plain Node, no
// dependencies, so it runs before anything is built. Extra arguments go to main.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isatty } from 'node:tty';
import { builds, projectRoot, staleness } from './freshness.mjs';

const bin = (name) =>
  path.join(projectRoot, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

if (!existsSync(bin('tsx'))) {
  console.error('Dependencies are not installed. Run `npm install` first, then `npm start`.');
  process.exit(1);
}

for (const build of Object.values(builds)) {
  const why = staleness(build);
  if (!why) continue;
  console.log(
    `Building ${build.title} (${build.output} is ${why === 'missing' ? 'missing' : 'older than its sources'})…`,
  );
  const [cmd, ...args] = build.command;
  const result = spawnSync(bin(cmd), args, { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `Building ${build.title} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}).`,
    );
    process.exit(result.status || 1);
  }
}

const child = spawn(bin('tsx'), ['engine/main.ts', 'all', ...process.argv.slice(2)], {
  cwd: projectRoot,
  stdio: 'inherit',
});

// Forward signals so the app shuts down in order (worker drains, servers stop). A Ctrl-C typed in a
// terminal already reaches the whole foreground process group, the app included; forwarding it too
// would deliver it twice, which an app may read as "force quit".
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal === 'SIGINT' && isatty(0)) return;
    child.kill(signal);
  });
}

child.on('error', (err) => {
  console.error(`Could not run the app: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Die the same way, so callers (shells, supervisors) see the real cause.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
