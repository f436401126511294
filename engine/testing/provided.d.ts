// What engine/testing/global-setup.ts provides to the `integration` and `e2e` projects; read with
// `inject('databaseUrl')` etc. from 'vitest'.
export {};

declare module 'vitest' {
  interface ProvidedContext {
    /** A fresh, migrated database for this project alone, dropped after the run. */
    databaseUrl: string;
    /** `host:port` of a Temporal server (in-memory dev server, or TEMPORAL_ADDRESS). */
    temporalAddress: string;
    temporalNamespace: string;
    /** Pre-built workflow bundle for `Worker.create({ workflowBundle: { codePath } })`. */
    workflowBundlePath: string;
  }
}
