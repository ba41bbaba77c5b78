/**
 * Who may import whom (run by `npm run check:deps`, part of `npm test`). See docs/architecture.md.
 *
 *   core/      shared by host and renderer: pure TypeScript (no DOM, React, three, Node, Electron)
 *   preload/   the contract (zod) and the sandboxed bridge: core/ only
 *   main/      hosts and services: core/ and preload/, never renderer/
 *   renderer/  the app: core/ and preload/ types, never main/; inside it, lower layers never
 *              import higher ones (transport/persistence/state/keymap/i18n/workers <
 *              viewports < editors < panels < App)
 * Tests may reach across (a renderer test drives a real host), production code may not.
 */
const TEST = '(^|/)(tests/|.*\\.test\\.tsx?$|testing/)';
module.exports = {
  forbidden: [
    { name: 'core-is-pure', severity: 'error', comment: 'core/ is shared by host and renderer: no DOM/UI libraries, no Node, no app layers',
      from: { path: '^core/', pathNot: TEST },
      to: { path: '^(main|renderer|preload)/|node_modules/(react|react-dom|three|@react-three|zustand|dexie|electron|i18next|react-i18next)/|^node:|^(fs|path|os|child_process|worker_threads)$' } },
    { name: 'host-not-renderer', severity: 'error', comment: 'the host uses core/, never editor or UI code',
      from: { path: '^main/', pathNot: TEST }, to: { path: '^renderer/' } },
    { name: 'renderer-not-host', severity: 'error', comment: 'the renderer reaches the host only through the contract',
      from: { path: '^renderer/', pathNot: TEST }, to: { path: '^main/' } },
    { name: 'preload-only-core', severity: 'error',
      from: { path: '^preload/', pathNot: TEST }, to: { path: '^(main|renderer)/' } },
    // Inside the renderer, layers from the bottom: transport, persistence, state, keymap, i18n,
    // workers; viewports (generic viewers); editors (and their shell); panels (screens, which
    // host the editors) and App. Nothing imports a layer above its own.
    { name: 'renderer-lower-layers', severity: 'error', comment: 'stores, transport, keymaps, i18n and workers know no screens, editors or viewers',
      from: { path: '^renderer/(state|persistence|transport|keymap|i18n|workers)/', pathNot: TEST }, to: { path: '^renderer/(editors|panels|viewports|App)' } },
    { name: 'viewers-not-editors', severity: 'error', comment: 'viewports are generic viewers: editors use them, not the other way round',
      from: { path: '^renderer/viewports/', pathNot: TEST }, to: { path: '^renderer/(editors|panels|App)' } },
    { name: 'editors-not-screens', severity: 'error', comment: 'editors are hosted by screens (panels/item), they do not import screens',
      from: { path: '^renderer/editors/', pathNot: TEST }, to: { path: '^renderer/(panels|App)' } },
    { name: 'no-circular', severity: 'error', comment: 'modules do not import each other in circles',
      from: { pathNot: TEST }, to: { circular: true, viaOnly: { pathNot: TEST } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|release|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
