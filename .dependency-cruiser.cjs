/**
 * rotor's layers, bottom to top. A module may import its own layer and the layers below it, never a
 * layer above: `npm run lint` (and so CI) runs `depcruise`, which fails on the first arrow that runs
 * back up. docs/architecture.md draws the same picture.
 */
// Paths are disjoint: each file belongs to exactly one layer.
const loaderFiles = '(schema|loadConfig|lazyCredentials|warnings)\\.ts$';
const reportFiles = '(reportProvider|reportTargets)\\.ts$';
const eventsConfigFiles = '(schema|types)\\.ts$';
const layers = [
  { id: 'leaves', name: 'leaves (errors, shared types)', path: '^src/(errors|types)/' },
  {
    id: 'config-primitives',
    name: 'config primitives (sections and fields, not the loader)',
    path: `^src/config/(?!${loaderFiles})|^src/events/${eventsConfigFiles}`,
  },
  {
    id: 'services',
    name: 'services (policy, secrets, audit log, observability)',
    path: `^src/(policy|secrets|observability)/|^src/audit/(?!${reportFiles})`,
  },
  { id: 'connectors', name: 'connectors', path: '^src/connectors/' },
  {
    id: 'config-loader',
    name: 'config loader and compliance reports',
    path: `^src/config/${loaderFiles}|^src/audit/${reportFiles}`,
  },
  { id: 'events', name: 'events (delivery to subscribers)', path: `^src/events/(?!${eventsConfigFiles})` },
  { id: 'engine', name: 'rotation engine', path: '^src/rotation/' },
  { id: 'queue', name: 'queue', path: '^src/queue/' },
  { id: 'scheduling', name: 'scheduling', path: '^src/scheduling/' },
  { id: 'http', name: 'http server', path: '^src/http/' },
  { id: 'app', name: 'app', path: '^src/app/' },
  { id: 'entry-points', name: 'entry points (cli, library index)', path: '^src/(cli/|index\\.ts$)' },
];

/** A regular expression matching any layer above the i-th. */
const anyAbove = (i) =>
  layers
    .slice(i + 1)
    .map((l) => `(?:${l.path})`)
    .join('|');

const layerRules = layers.slice(0, -1).map((layer, i) => ({
  name: `upward-from-${layer.id}`,
  comment: `${layer.name} may import only itself and the layers below it`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: anyAbove(i) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'library-imports-jobs',
      comment: 'src/ never imports jobs/: the worker factory is handed the processor (bin/rotor.ts wires it)',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(jobs|bin)/' },
    },
    {
      name: 'jobs-import-entry-points',
      comment: 'jobs/ holds BullMQ processors over the library; only bin/ composes them with the CLI',
      severity: 'error',
      from: { path: '^jobs/' },
      to: { path: '^(bin/|src/cli/)' },
    },
    {
      name: 'dev-only-from-demo-and-sim',
      comment: 'the simulator and emulator (src/dev) serve `rotor demo` and `rotor sim` only, never production code',
      severity: 'error',
      from: { path: '^(src|jobs|bin)/', pathNot: ['^src/dev/', '^src/cli/commands/(demo|sim)\\.ts$'] },
      to: { path: '^src/dev/' },
    },
    {
      name: 'kind-outside-its-folder',
      comment: 'a connector folder is private to its kind: others reach it through the registry',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/connectors/', '^src/dev/'] },
      to: {
        path: '^src/connectors/(huawei-[^/]+|http)/',
        pathNot: '^src/connectors/(huawei-[^/]+|http)/schema\\.ts$',
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      // The emulators' route tables and their core refer to each other; they are not production code.
      from: { pathNot: '^src/dev/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
