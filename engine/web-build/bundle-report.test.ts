import { describe, expect, it } from 'vitest';
import { firstLoadFiles, type Manifest, pageSources } from './bundle-report.js';

const manifest: Manifest = {
  'index.html': {
    file: 'assets/index.js',
    isEntry: true,
    imports: ['_react.js'],
    dynamicImports: ['shell/console.tsx', 'guides/guide-workbench-page.tsx'],
    css: ['assets/index.css'],
  },
  '_react.js': { file: 'assets/react.js' },
  '_antd-card.js': { file: 'assets/card.js', imports: ['_react.js'] },
  '_table.js': { file: 'assets/table.js', imports: ['_react.js'] },
  'shell/console.tsx': {
    file: 'assets/console.js',
    isDynamicEntry: true,
    imports: ['index.html', '_react.js'],
    dynamicImports: ['pages/editor-page.tsx'],
  },
  'guides/guide-workbench-page.tsx': {
    file: 'assets/guide.js',
    isDynamicEntry: true,
    imports: ['index.html', '_antd-card.js'],
  },
  'pages/editor-page.tsx': {
    file: 'assets/editor.js',
    isDynamicEntry: true,
    imports: ['_table.js'],
    dynamicImports: ['canvas/layout.ts'],
  },
  'canvas/layout.ts': { file: 'assets/elk.js', isDynamicEntry: true },
};

describe('first-load files of a page', () => {
  it('are the entry with its imports, then the console (for console pages) and the page with theirs', () => {
    expect(firstLoadFiles(manifest, 'guides/guide-workbench-page.tsx').js.sort()).toEqual(
      ['assets/card.js', 'assets/guide.js', 'assets/index.js', 'assets/react.js'].sort(),
    );
    // the canvas needs the console; elkjs (fetched on auto-layout) is not part of its first load
    expect(firstLoadFiles(manifest, 'pages/editor-page.tsx').js.sort()).toEqual(
      [
        'assets/console.js',
        'assets/editor.js',
        'assets/index.js',
        'assets/react.js',
        'assets/table.js',
      ].sort(),
    );
    expect(firstLoadFiles(manifest, 'pages/editor-page.tsx').css).toEqual(['assets/index.css']);
  });

  it('counts the guide workbench as the entry alone when it is bundled into it', () => {
    const { 'guides/guide-workbench-page.tsx': _, ...bundled } = manifest;
    expect(firstLoadFiles(bundled, 'guides/guide-workbench-page.tsx').js.sort()).toEqual([
      'assets/index.js',
      'assets/react.js',
    ]);
    expect(pageSources(bundled)).toContain('guides/guide-workbench-page.tsx');
  });

  it('lists the pages (dynamic entries named *-page.tsx), and refuses a page the build does not have', () => {
    expect(pageSources(manifest)).toEqual(['guides/guide-workbench-page.tsx', 'pages/editor-page.tsx']);
    expect(() => firstLoadFiles(manifest, 'pages/nowhere-page.tsx')).toThrow(/no chunk/);
  });
});
