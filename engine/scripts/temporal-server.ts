// `npm run temporal:server`: finds or builds the pinned Temporal server and sql tool (engine/infra/
// temporal-server-binaries.ts) and says where they are, so a cold build's minutes are a step of their own
// before `YUTANG_TEST_TEMPORAL=server` tests or `BENCH_TEMPORAL=server npm run bench`.
import { resolveTemporalServerBinaries, TEMPORAL_SERVER_VERSION } from '../infra/temporal-server-binaries.js';

const started = Date.now();
try {
  const { server, sqlTool } = await resolveTemporalServerBinaries({ log: (line) => console.log(line) });
  console.log(`Temporal server ${TEMPORAL_SERVER_VERSION}: ${server.path} (${server.source})`);
  console.log(`Temporal sql tool: ${sqlTool.path} (${sqlTool.source})`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
