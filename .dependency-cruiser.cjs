/**
 * rotor's layers, bottom to top. A module may import its own layer and the layers below it, never a
 * layer above: `npm run lint` (and so CI) runs `depcruise`, which fails on the first arrow that runs
 * back up. docs/architecture.md draws the same picture.
 */
const configLoader = '^src/config/(schema|loadConfig|lazyCredentials|warnings)\\.ts$';
const layers = [
  { name: 'leaves (errors, shared types)', path: '^src/(errors|types)/' },
  { name: 'config primitives', path: '^src/config/', pathNot: configLoader },
  {
    name: 'services (policy, secrets, audit, observability, http)',
    path: '^src/(policy|secrets|audit|observability|http)/',
  },
  { name: 'connectors', path: '^src/connectors/' },
  { name: 'config loader', path: configLoader },
  { name: 'rotation engine', path: '^src/rotation/' },
  { name: 'queue', path: '^src/queue/' },
  { name: 'scheduling', path: '^src/scheduling/' },
  { name: 'app', path: '^src/app/' },
  { name: 'entry points (cli, library index)', path: '^src/(cli/|index\\.ts$)' },
];

/** A regular expression matching any layer above the i-th. */
const anyAbove = (i) =>
  layers
    .slice(i + 1)
    .map((l) => `(?:${l.path})`)
    .join('|');

const layerRules = layers.slice(0, -1).map((layer, i) => ({
  name: `upward-from-${layer.name.split(' ')[0]}`,
  comment: `${layer.name} may import only itself and the layers below it`,
  severity: 'error',
  from: { path: layer.path, ...(layer.pathNot ? { pathNot: layer.pathNot } : {}) },
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
      to: { path: '^src/connectors/huawei-[^/]+/', pathNot: '^src/connectors/huawei-[^/]+/schema\\.ts$' },
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
