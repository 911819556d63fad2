/**
 * The import direction of docs/ARCHITECTURE.md, checked in CI (`npm run lint:deps`). Lower layers
 * never import higher ones: domain and ml import nothing of the app; ports import only domain and
 * ml (both leaves); http (access marks and list shapes for controllers) imports domain and ports;
 * infrastructure implements ports (domain, ml, ports); commands, projections and sagas import
 * domain, ml, ports, http and runtime, never infrastructure or each other; runtime sits above
 * infrastructure; features/ and the entry files (app.module, main, cli) compose everything.
 * Specs beside the code are test wiring and may reach any layer.
 * Violations not yet fixed are listed in .dependency-cruiser-known-violations.json, never hidden here.
 */
const code = '^src/.+(?<!\\.spec)\\.ts$';
const layer = (from, forbidden, comment) => ({
  name: `${from}-imports-downward`,
  comment,
  severity: 'error',
  from: { path: `^src/${from}/`, pathNot: '\\.spec\\.ts$' },
  to: { path: `^src/(${forbidden.join('|')})(/|\\.ts$)` },
});
const upper = ['features', 'cli', 'app\\.module', 'main', 'bootstrap', 'cli'];

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'domain is pure TypeScript and imports nothing else of the app',
      severity: 'error',
      from: { path: '^src/domain/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'ml-imports-only-ml',
      comment: 'ml is pure numeric code and imports nothing else of the app',
      severity: 'error',
      from: { path: '^src/ml/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: '^src/ml/' },
    },
    {
      name: 'ports-import-only-domain-and-ml',
      comment: 'ports are interfaces and Symbol tokens over domain types and the numeric types of ml (a leaf like domain)',
      severity: 'error',
      from: { path: '^src/ports/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(ports|domain|ml)/' },
    },
    {
      name: 'http-imports-only-domain-and-ports',
      comment: 'the marks and list shapes every controller shares sit below the role folders',
      severity: 'error',
      from: { path: '^src/http/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(http|ports|domain)/' },
    },
    layer('infrastructure', ['commands', 'projections', 'sagas', 'runtime', ...upper],
      'adapters implement ports; they never reach the roles or the runtime above them'),
    layer('runtime', ['commands', 'projections', 'sagas', ...upper],
      'the runners drive projections and sagas through their interfaces, not by name'),
    layer('commands', ['infrastructure', 'projections', 'sagas', ...upper],
      'a command that needs a read model uses a query port'),
    layer('projections', ['infrastructure', 'commands', 'sagas', ...upper],
      'a projection is a pure function; its query endpoint reads through ports'),
    layer('sagas', ['infrastructure', 'commands', 'projections', ...upper],
      'a saga turns events into commands through ports, never a command module'),
  ],
  options: {
    includeOnly: code,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
