/**
 * The one Ajv instance of the platform: JSON Schema 2020-12, strict, every
 * error reported (allErrors), formats from ajv-formats, and every schema of
 * schemas/ (from schemas/generated/schemas.ts) added so cross-file `$ref`s
 * resolve. Get a validator by `$id`:
 *
 *   const validate = ajv.getSchema<ListSimulationsQuery>('https://gcr.dev/schemas/api/list-simulations-query.schema.json')!;
 *   if (!validate(data)) throw new ValidationError('...', issuesFromAjv(validate.errors, 'query'));
 *
 * `useDefaults` is on: validating fills the schema's defaults into the data you
 * pass (validate a copy, e.g. `structuredClone(input)`, to keep the original).
 * `verbose` is on so that error messages can name the allowed fields.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { allSchemas, simulationSpecSchema } from './generated/schemas.js';
import type { FieldIssue } from './generated/types.js';

/**
 * A CommonJS module's `exports.default`, typed the same whichever resolution
 * type-checks the importer: NodeNext types a default import as the module
 * (the default is `.default`), the web console's Bundler as the export itself.
 * At run time Node's ESM gives the module; a bundler may give either.
 */
export function cjsDefault<T>(imported: unknown): T {
  return ((imported as { default?: T }).default ?? imported) as T;
}

const Ajv2020 = cjsDefault<typeof import('ajv/dist/2020.js').default>(Ajv2020Module);
const addFormats = cjsDefault<typeof import('ajv-formats').default>(addFormatsModule);

/** The platform's Ajv options; the web console's build precompiles the spec validator with the same ones (web/vite-plugins/ajv-precompiled.ts). */
export const AJV_OPTIONS = { strict: true, allErrors: true, useDefaults: true, verbose: true } as const;

export const ajv = new Ajv2020({ ...AJV_OPTIONS });
addFormats(ajv);
for (const schema of allSchemas) ajv.addSchema(schema as Record<string, unknown>);

/** The compiled validator of the schema with this `$id`; throws if there is none. */
export function validatorFor<T = unknown>(id: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(id);
  if (!validate) throw new Error(`no JSON Schema with $id ${id} in schemas/`);
  return validate;
}

const spec = simulationSpecSchema;

/** What a `pattern` means, in words, for the patterns people meet most. Others get a generic message. */
const PATTERN_MESSAGES = new Map<string, string>([
  [
    spec.properties.name.pattern,
    'may contain only letters, digits, spaces, underscores, hyphens and dots, and may not start or end with a space',
  ],
  [
    spec.properties.tags.propertyNames.pattern,
    'may contain only letters, digits, spaces and the characters _ . : / = + - @ (AWS tag rules)',
  ],
  [
    spec.properties.tags.additionalProperties.pattern,
    'may contain only letters, digits, spaces and the characters _ . : / = + - @ (AWS tag rules)',
  ],
  [
    spec.$defs.SpecSimulation.properties.extraOption.pattern,
    'may contain only letters, digits and underscores',
  ],
  [
    spec.$defs.SpecDiagnostics.properties.collections.items.pattern,
    'must be a HISTORY.rc collection name such as SpeciesConc (a letter, then letters, digits or underscores)',
  ],
  [
    spec.$defs.SpecCompute.properties.instanceType.pattern,
    'must be an EC2 instance type such as c7g.4xlarge or c7i.8xlarge',
  ],
]);

const FORMAT_MESSAGES: Record<string, string> = {
  'date-time': 'must be a date and time with a time zone, e.g. 2019-07-01T00:00:00Z',
  date: 'must be a date, e.g. 2019-07-01',
  time: 'must be a time with a time zone, e.g. 13:00:00Z',
  email: 'must be an email address',
  uri: 'must be an absolute URL',
  url: 'must be an absolute URL',
  uuid: 'must be a UUID',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a list (JSON array)',
  null: 'null',
};

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pathSegments(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.split('/').slice(1).map(unescapePointer);
}

function fieldOf(segments: string[], prefix: string | undefined): string {
  if (segments.length === 0) return prefix ?? 'body';
  return [...(prefix ? [prefix] : []), ...segments].join('.');
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function typeWords(type: unknown): string {
  const types = (Array.isArray(type) ? type : String(type).split(',')).map(String);
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** `unknown field "resolutoin" (did you mean "resolution"?)`, or the allowed names when none is close. */
function unknownFieldMessage(name: string, parentSchema: unknown): string {
  const base = `unknown field "${name}"`;
  const properties =
    parentSchema && typeof parentSchema === 'object' && 'properties' in parentSchema
      ? Object.keys((parentSchema as { properties: object }).properties ?? {})
      : [];
  if (properties.length === 0) return base;
  const scored = properties
    .map((candidate) => ({
      candidate,
      distance:
        candidate.toLowerCase() === name.toLowerCase()
          ? 0
          : editDistance(name.toLowerCase(), candidate.toLowerCase()),
    }))
    .sort((x, y) => x.distance - y.distance);
  const best = scored[0]!;
  if (best.distance <= Math.max(1, Math.floor(name.length / 4)))
    return `${base} (did you mean "${best.candidate}"?)`;
  return properties.length <= 15 ? `${base}; allowed fields: ${properties.join(', ')}` : base;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function issueFor(error: ErrorObject, prefix: string | undefined): FieldIssue | undefined {
  const segments = pathSegments(error.instancePath);
  const here = fieldOf(segments, prefix);
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'required':
      return {
        field: fieldOf([...segments, String(params.missingProperty)], prefix),
        message: 'is required',
      };
    case 'dependentRequired':
      return {
        field: fieldOf([...segments, String(params.missingProperty)], prefix),
        message: `is required when "${String(params.property)}" is given`,
      };
    case 'additionalProperties':
      return {
        field: here,
        message: unknownFieldMessage(String(params.additionalProperty), error.parentSchema),
      };
    case 'unevaluatedProperties':
      return {
        field: here,
        message: unknownFieldMessage(String(params.unevaluatedProperty), error.parentSchema),
      };
    case 'enum':
      return {
        field: here,
        message: `must be one of: ${((params.allowedValues as unknown[]) ?? []).map(show).join(', ')}`,
      };
    case 'const':
      return { field: here, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { field: here, message: `must be ${typeWords(params.type)}` };
    case 'format': {
      const format = String(params.format);
      return { field: here, message: FORMAT_MESSAGES[format] ?? `must be a valid ${format}` };
    }
    case 'pattern': {
      const pattern = String(params.pattern);
      const words = PATTERN_MESSAGES.get(pattern) ?? `must match the pattern ${pattern}`;
      if (error.propertyName !== undefined) {
        return {
          field: fieldOf([...segments, error.propertyName], prefix),
          message: `the key "${error.propertyName}" ${words}`,
        };
      }
      return { field: here, message: words };
    }
    case 'minLength':
    case 'maxLength': {
      const words =
        error.keyword === 'minLength'
          ? limit === 1
            ? 'must not be empty'
            : `must be at least ${plural(limit, 'character')} long`
          : `must be at most ${plural(limit, 'character')} long`;
      if (error.propertyName !== undefined) {
        return {
          field: fieldOf([...segments, error.propertyName], prefix),
          message: `the key "${error.propertyName}" ${words}`,
        };
      }
      return { field: here, message: words };
    }
    case 'propertyNames':
      // ajv reports the failing keyword of the name first; this summary adds nothing then.
      return undefined;
    case 'minimum':
      return { field: here, message: `must be at least ${limit}` };
    case 'maximum':
      return { field: here, message: `must be at most ${limit}` };
    case 'exclusiveMinimum':
      return { field: here, message: `must be greater than ${limit}` };
    case 'exclusiveMaximum':
      return { field: here, message: `must be less than ${limit}` };
    case 'multipleOf':
      return { field: here, message: `must be a multiple of ${String(params.multipleOf)}` };
    case 'minItems':
      return {
        field: here,
        message: limit === 1 ? 'must not be empty' : `must have at least ${plural(limit, 'item')}`,
      };
    case 'maxItems':
      return { field: here, message: `must have at most ${plural(limit, 'item')}` };
    case 'uniqueItems': {
      const data = error.data;
      const j = Number(params.j);
      if (Array.isArray(data) && j < data.length)
        return { field: here, message: `lists ${show(data[j])} twice` };
      return { field: here, message: 'must not list the same item twice' };
    }
    case 'minProperties':
      return { field: here, message: `must have at least ${plural(limit, 'entry', 'entries')}` };
    case 'maxProperties':
      return { field: here, message: `must have at most ${plural(limit, 'entry', 'entries')}` };
    case 'if':
      // The failing `then`/`else` keywords are reported on their own.
      return undefined;
    case 'anyOf':
      return { field: here, message: 'does not match any of the allowed forms' };
    case 'oneOf':
      return {
        field: here,
        message:
          Array.isArray(params.passingSchemas) && params.passingSchemas.length > 1
            ? 'matches more than one of the allowed forms'
            : 'does not match any of the allowed forms',
      };
    case 'not':
    case 'false schema':
      return { field: here, message: 'is not allowed here' };
    default:
      return { field: here, message: error.message ?? 'is invalid' };
  }
}

/**
 * ajv reports each failed branch of an anyOf/oneOf just before the anyOf/oneOf
 * error itself. Finds those branch errors (same or deeper instance path, schema
 * path inside the combinator or inside a $ref'd schema) so they can be folded
 * into one issue: "must be a string or a whole number" when every branch is a
 * simple type/enum/const check, "does not match any of the allowed forms" else.
 */
function foldCombinators(errors: readonly ErrorObject[]): {
  folded: Map<number, string>;
  consumed: Set<number>;
} {
  const folded = new Map<number, string>();
  const consumed = new Set<number>();
  errors.forEach((error, index) => {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') return;
    const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
    if (Array.isArray(passing) && passing.length > 1) return;
    const branches: ErrorObject[] = [];
    for (let j = index - 1; j >= 0; j -= 1) {
      const candidate = errors[j]!;
      const inside =
        candidate.instancePath.startsWith(error.instancePath) &&
        (candidate.schemaPath.startsWith(`${error.schemaPath}/`) || !candidate.schemaPath.startsWith('#'));
      if (!inside || consumed.has(j)) break;
      consumed.add(j);
      branches.unshift(candidate);
    }
    const simple =
      branches.length > 0 &&
      branches.every(
        (branch) =>
          branch.instancePath === error.instancePath && ['type', 'enum', 'const'].includes(branch.keyword),
      );
    if (!simple) return;
    const pieces = branches.map((branch) => {
      const params = branch.params as Record<string, unknown>;
      if (branch.keyword === 'type') return typeWords(params.type);
      if (branch.keyword === 'const') return JSON.stringify(params.allowedValue);
      return `one of: ${((params.allowedValues as unknown[]) ?? []).map(show).join(', ')}`;
    });
    folded.set(index, `must be ${[...new Set(pieces)].join(' or ')}`);
  });
  return { folded, consumed };
}

/**
 * Turns ajv errors into FieldIssues a person can act on. `field` is the dotted
 * path of the offending value (`grid.resolution`, `diagnostics.collections.1`),
 * `prefix` goes in front of it (`query.limit`), and the whole input is `body`
 * (or the prefix alone). Duplicates are dropped; the order is ajv's.
 */
export function issuesFromAjv(
  errors: readonly ErrorObject[] | null | undefined,
  prefix?: string,
): FieldIssue[] {
  const list = errors ?? [];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  // A string that is too short (usually empty) also fails its pattern; the length says it better.
  const tooShort = new Set(
    list
      .filter((error) => error.keyword === 'minLength')
      .map((error) => `${error.instancePath}\u0000${error.propertyName ?? ''}`),
  );
  const { folded, consumed } = foldCombinators(list);
  list.forEach((error, index) => {
    if (consumed.has(index)) return;
    if (error.keyword === 'pattern' && tooShort.has(`${error.instancePath}\u0000${error.propertyName ?? ''}`))
      return;
    const foldedMessage = folded.get(index);
    const issue = foldedMessage
      ? { field: fieldOf(pathSegments(error.instancePath), prefix), message: foldedMessage }
      : issueFor(error, prefix);
    if (!issue) return;
    const key = `${issue.field}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push(issue);
  });
  return issues;
}
