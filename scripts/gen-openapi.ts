/**
 * `npm run gen:openapi`: bundles the OpenAPI document
 * (schemas/openapi/openapi.yaml, whose bodies `$ref` the JSON Schemas of
 * schemas/) into
 *   - schemas/generated/openapi.json: one self-contained OpenAPI 3.1 document,
 *     every schema it reaches under components.schemas by its `title` (titled
 *     `$defs` too), every `$ref` rewritten to `#/components/schemas/...`; the
 *     submission service serves it at GET /openapi.json;
 *   - schemas/generated/openapi.d.ts: its `paths` and `components` as types
 *     (openapi-typescript), which the CLI's openapi-fetch client is typed with.
 *
 * `npm run gen:openapi -- --check` writes nothing and exits 1 when the files on
 * disk differ from what would be generated (CI runs it).
 *
 * The schemas stay the one source: the bundle copies them (without `$id` and
 * `$schema`, whose absolute URLs tools would try to fetch), it never edits them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import openapiTS, { astToString } from 'openapi-typescript';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { findStaleFiles, loadSchemas, writeFiles, type GeneratedFile, type SchemaFile } from './gen-types.js';

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const OPENAPI_SOURCE = 'schemas/openapi/openapi.yaml';
export const OPENAPI_BUNDLE = 'schemas/generated/openapi.json';
export const OPENAPI_TYPES = 'schemas/generated/openapi.d.ts';

/** Keywords whose values are data, not subschemas: never look for `$ref`s inside them. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example', 'value']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords whose values map names to subschemas (a property may be called `default` or `value`). */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/** A copy of `node` with every `$ref` string replaced by `rewrite($ref)`; data keywords are copied as they are. */
function mapRefs(node: unknown, rewrite: (ref: string) => string, namesMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => mapRefs(item, rewrite));
  if (!isObject(node)) return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !namesMap) copy[key] = rewrite(value);
    else if (DATA_KEYWORDS.has(key) && !namesMap) copy[key] = structuredClone(value);
    else copy[key] = mapRefs(value, rewrite, NAME_MAPS.has(key) && !namesMap);
  }
  return copy;
}

/** Thrown when the document or a schema points at something that is not there. */
export class OpenApiBundleError extends Error {}

/**
 * Collects the schemas a document reaches into `components.schemas`, each
 * once, named by its title: a file by its `title`, a titled `$defs` entry by
 * its own (an untitled one stays under its file's `$defs`).
 */
class SchemaComponents {
  readonly schemas = new Map<string, unknown>();
  private readonly byId: Map<string, SchemaFile>;

  constructor(files: SchemaFile[]) {
    this.byId = new Map(files.map((file) => [file.id, file]));
  }

  /** The component `$ref` for `fragment` (a JSON pointer, maybe empty) of the schema with this `$id`. */
  refTo(id: string, fragment: string): string {
    const file = this.byId.get(id);
    if (!file) throw new OpenApiBundleError(`no schema with $id ${id} under schemas/`);
    this.include(file);
    const def = /^\/\$defs\/([^/]+)(.*)$/.exec(fragment);
    const defs = file.schema['$defs'];
    if (def && isObject(defs)) {
      const entry = defs[def[1]!];
      if (!isObject(entry)) throw new OpenApiBundleError(`${file.relPath} has no $defs/${def[1]}`);
      if (typeof entry['title'] === 'string') return `#/components/schemas/${entry['title']}${def[2]}`;
    }
    return `#/components/schemas/${file.title}${fragment}`;
  }

  /** A schema's `$ref`, resolved against the `$id` of the file it is in, as a component `$ref`. */
  private rewriteIn(file: SchemaFile, ref: string): string {
    const url = new URL(ref, file.id);
    const fragment = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    return this.refTo(url.href, fragment);
  }

  private include(file: SchemaFile): void {
    if (this.schemas.has(file.title)) return;
    const { $id: _id, $schema: _schema, $defs: defs, ...rest } = file.schema;
    const untitled: Json = {};
    this.schemas.set(file.title, {}); // reserved first: schemas may refer to each other
    for (const [name, entry] of Object.entries(isObject(defs) ? defs : {})) {
      if (isObject(entry) && typeof entry['title'] === 'string') {
        this.schemas.set(
          entry['title'],
          mapRefs(entry, (ref) => this.rewriteIn(file, ref)),
        );
      } else {
        untitled[name] = entry;
      }
    }
    const body = mapRefs(rest, (ref) => this.rewriteIn(file, ref)) as Json;
    if (Object.keys(untitled).length > 0)
      body['$defs'] = mapRefs(untitled, (ref) => this.rewriteIn(file, ref));
    this.schemas.set(file.title, body);
  }
}

/** The bundled document: every file `$ref` of the source as a component `$ref`. */
export async function bundleOpenApi(root: string = DEFAULT_ROOT): Promise<Json> {
  const files = await loadSchemas(root);
  const source = parse(await readFile(path.join(root, OPENAPI_SOURCE), 'utf8')) as Json;
  const components = new SchemaComponents(files);
  const bundled = mapRefs(source, (ref) => {
    if (ref.startsWith('#')) return ref;
    const { id, fragment } = schemaIdOfSourceRef(ref, files);
    return components.refTo(id, fragment);
  }) as Json;
  const existing = isObject(bundled['components']) ? bundled['components'] : {};
  const own = isObject(existing['schemas']) ? existing['schemas'] : {};
  const schemas: Json = { ...own };
  for (const name of [...components.schemas.keys()].sort()) schemas[name] = components.schemas.get(name);
  return { ...bundled, components: { ...existing, schemas } };
}

/** `$ref`s of a schema-file path (`../api/x.schema.json#/...`) in the source, resolved to the schema's `$id` and fragment. */
export function schemaIdOfSourceRef(ref: string, files: SchemaFile[]): { id: string; fragment: string } {
  const [filePart, fragment = ''] = ref.split('#');
  const relPath = path.posix.normalize(path.posix.join('openapi', filePart!));
  const file = files.find((candidate) => candidate.relPath === relPath);
  if (!file) throw new OpenApiBundleError(`${OPENAPI_SOURCE}: $ref ${ref} names no schema under schemas/`);
  return { id: file.id, fragment };
}

export async function generateOpenApi(root: string = DEFAULT_ROOT): Promise<GeneratedFile[]> {
  const bundled = await bundleOpenApi(root);
  const types = astToString(
    // A property with a default stays optional: the API fills it in, callers may leave it out.
    await openapiTS(bundled as unknown as Parameters<typeof openapiTS>[0], { defaultNonNullable: false }),
  );
  return [
    { path: OPENAPI_BUNDLE, content: `${JSON.stringify(bundled, null, 2)}\n` },
    { path: OPENAPI_TYPES, content: `// generated by npm run gen:openapi; do not edit\n\n${types}` },
  ];
}

async function main(argv: string[]): Promise<number> {
  const files = await generateOpenApi();
  if (argv.includes('--check')) {
    const stale = await findStaleFiles(files, DEFAULT_ROOT);
    if (stale.length > 0) {
      console.error(`out of date: ${stale.join(', ')}; run npm run gen:openapi and commit the result`);
      return 1;
    }
    console.log('the bundled OpenAPI document and its types are up to date');
    return 0;
  }
  const written = await writeFiles(files, DEFAULT_ROOT);
  console.log(written.length > 0 ? `wrote ${written.join(', ')}` : 'already up to date');
  return 0;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
