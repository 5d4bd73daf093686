/**
 * ESLint rule `gcr/boundaries`: the architecture's import rules, checked on
 * every import, export-from and dynamic import with a literal specifier.
 *
 *   services/<name>/   imports its own folder, shared/ and schemas/; never another service
 *   shared/            never imports services/, local/, cli/, scripts/, containers/ or test/
 *   shared/science/    (GEOS-Chem science) also never imports shared/kernel/ or an AWS SDK
 *   schemas/           imports only schemas/
 *   containers/        never imports services/, local/, cli/ or scripts/
 *   web/               (the web console, in a browser) imports only web/, shared/science/ and schemas/;
 *                      never an AWS SDK: it talks to the public API only
 *   cli/               never imports local/, services/, scripts/, containers/ or test/ (it talks to the API only);
 *                      only cli/admin/ (gcr admin, on-call) imports an AWS SDK, and cli/agent/ (the Slurm
 *                      site agent) only @aws-sdk/client-sqs, for its site's work queue (none of shared/kernel/aws/)
 *
 * A specifier is resolved to a repository path first: `./x.js` and `../x.js`
 * relative to the importing file, `#shared/x.js` through package.json
 * "imports" (`#<folder>/*` -> `./<folder>/*`). Anything else is a package.
 */
import path from 'node:path';

const AWS_PACKAGES = [/^@aws-sdk\//, /^@aws-lambda-powertools\//, /^@middy\//, /^aws-lambda$/, /^@smithy\//];

/** [importer prefix, forbidden target prefixes, forbidden package patterns, why, exempt importer prefixes?] */
const RULES = [
  [
    'shared/science/',
    ['shared/kernel/'],
    AWS_PACKAGES,
    'the GEOS-Chem science (shared/science) imports no AWS SDK and no platform kernel',
  ],
  [
    'shared/',
    ['services/', 'local/', 'cli/', 'scripts/', 'containers/', 'test/'],
    [],
    'shared/ is bundled by services: it never imports services, local, cli, scripts, containers or test',
  ],
  [
    'schemas/',
    ['services/', 'shared/', 'local/', 'cli/', 'scripts/', 'containers/', 'test/'],
    [],
    'schemas/ imports only schemas/',
  ],
  [
    'containers/',
    ['services/', 'local/', 'cli/', 'scripts/', 'test/'],
    [],
    'container workloads never import services, local, cli or scripts',
  ],
  [
    'web/',
    ['services/', 'shared/kernel/', 'local/', 'cli/', 'scripts/', 'containers/', 'test/'],
    AWS_PACKAGES,
    'the web console talks to the public API only: it imports web/, shared/science/ and schemas/',
  ],
  [
    'cli/',
    ['local/', 'services/', 'scripts/', 'containers/', 'test/'],
    [],
    'the CLI talks to the API only: it never imports local, a service, scripts or containers',
  ],
  [
    'cli/',
    [],
    AWS_PACKAGES,
    'the CLI talks to the API for simulations: only gcr admin (cli/admin/) talks to AWS APIs',
    ['cli/admin/', 'cli/agent/'],
  ],
  [
    'cli/agent/',
    ['shared/kernel/aws/'],
    AWS_PACKAGES.map((pattern) => new RegExp(`(?!^@aws-sdk/client-sqs$)${pattern.source}`)),
    "the site agent talks to the platform's site routes and, with the session's credentials, to its work queue: @aws-sdk/client-sqs is its only AWS SDK, and it uses none of the kernel's AWS adapters",
  ],
];

/** Repository-relative path a specifier points at, or undefined for a package. */
export function resolveSpecifier(specifier, importerRelPath) {
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(importerRelPath), specifier));
  }
  const alias = /^#([^/]+)\/(.*)$/.exec(specifier);
  if (alias) return `${alias[1]}/${alias[2]}`;
  return undefined;
}

/** The boundary an import breaks, in words, or undefined when it is allowed. */
export function boundaryViolation(specifier, importerRelPath) {
  const target = resolveSpecifier(specifier, importerRelPath);
  const service = /^services\/([^/]+)\//.exec(importerRelPath);
  if (service && target !== undefined) {
    const own = `services/${service[1]}/`;
    if (target.startsWith('services/') && !target.startsWith(own))
      return `a service never imports another service (${service[1]} -> ${target}); talk through events`;
    if (!target.startsWith(own) && !target.startsWith('shared/') && !target.startsWith('schemas/'))
      return `a service imports only its own folder, shared/ and schemas/ (not ${target})`;
  }
  for (const [prefix, targets, packages, why, exempt] of RULES) {
    if (!importerRelPath.startsWith(prefix) || exempt?.some((e) => importerRelPath.startsWith(e))) continue;
    if (target !== undefined && targets.some((t) => target.startsWith(t))) return `${why} (not ${target})`;
    if (target === undefined && packages.some((p) => p.test(specifier))) return `${why} (not ${specifier})`;
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'enforce the import boundaries between services, shared/, cli/, local/ and containers/',
    },
    schema: [],
    messages: { boundary: '{{why}}' },
  },
  create(context) {
    const importer = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    if (importer.startsWith('..')) return {};
    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const why = boundaryViolation(source.value, importer);
      if (why) context.report({ node: source, messageId: 'boundary', data: { why } });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
    };
  },
};

export default { rules: { boundaries: rule } };
