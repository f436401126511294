export interface Build {
  title: string;
  /** A file the build writes last-or-together, relative to the project root. */
  output: string;
  sources: string[];
  /** A binary in node_modules/.bin and its arguments. */
  command: string[];
}
export declare const projectRoot: string;
export declare const builds: { web: Build; workflows: Build };
export declare function newestMtime(paths: string[], root?: string): number;
export declare function staleness(build: Build, root?: string): 'missing' | 'stale' | null;
