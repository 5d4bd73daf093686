/**
 * The console runs the API's validator (shared/science/spec/validate-spec.ts
 * over schemas/validator.ts) in the browser, where the CSP (script-src 'self',
 * web/serverless.yml) forbids the `new Function` Ajv compiles schemas with.
 * So for the console's bundle, and its component tests, this plugin swaps
 * the Ajv class schemas/validator.ts imports for one whose getSchema returns
 * validators compiled at build time (Ajv's standalone code, with the same
 * options, AJV_OPTIONS), and ajv-formats for a no-op (the formats are in the
 * standalone code). schemas/validator.ts itself, and its error messages, are
 * the same code on both sides.
 */
import AjvModule from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { Plugin } from 'vite';
import { allSchemas, simulationSpecSchema } from '../../schemas/generated/schemas.js';
import { AJV_OPTIONS, cjsDefault } from '../../schemas/validator.js';

/** The schemas the console validates with; another one needs its $id here. */
export const BROWSER_SCHEMA_IDS: readonly string[] = [simulationSpecSchema.$id];

const AJV_CLASS = '\0gcr:ajv-precompiled';
const NO_FORMATS = '\0gcr:ajv-formats-noop';

/** Ajv's standalone module for the schemas, its require()s of Ajv's runtime (formats, equal, ucs2length) turned into imports. */
function standaloneValidators(ids: readonly string[]): string {
  const Ajv = cjsDefault<typeof import('ajv/dist/2020.js').default>(AjvModule);
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  cjsDefault<typeof import('ajv-formats').default>(addFormatsModule)(ajv);
  for (const schema of allSchemas) ajv.addSchema(schema as Record<string, unknown>);
  const standaloneCode = cjsDefault<typeof import('ajv/dist/standalone/index.js').default>(standaloneModule);
  const code = standaloneCode(ajv, Object.fromEntries(ids.map((id, i) => [`validator${i}`, id])));
  const modules = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!))];
  const imports = modules
    .map((name, i) => `import * as runtime${i} from ${JSON.stringify(name)};`)
    .join('\n');
  // Ajv's runtime modules are compiled TypeScript (__esModule): their namespace is what require() gives.
  const body = code
    .replace(/^"use strict";/, '')
    .replace(/require\("([^"]+)"\)/g, (_, name: string) => `runtime${modules.indexOf(name)}`);
  return `${imports}\n${body}`;
}

export function ajvPrecompiled(ids: readonly string[] = BROWSER_SCHEMA_IDS): Plugin {
  return {
    name: 'gcr-ajv-precompiled',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.replace(/\\/g, '/').endsWith('/schemas/validator.ts')) return null;
      if (source === 'ajv/dist/2020.js') return AJV_CLASS;
      if (source === 'ajv-formats') return NO_FORMATS;
      return null;
    },
    load(id) {
      if (id === NO_FORMATS) return 'export default { default: () => undefined };';
      if (id !== AJV_CLASS) return null;
      const byId = ids.map((schemaId, i) => `${JSON.stringify(schemaId)}: validator${i}`).join(',\n  ');
      return `${standaloneValidators(ids)}
const VALIDATORS = {
  ${byId}
};
/** Ajv's interface as schemas/validator.ts uses it, over the validators compiled at build time. */
class PrecompiledAjv {
  addSchema() {
    return this;
  }
  getSchema(id) {
    const validate = VALIDATORS[id];
    if (!validate) throw new Error('the console has no precompiled validator for ' + id + ': add it to BROWSER_SCHEMA_IDS (web/vite-plugins/ajv-precompiled.ts)');
    return validate;
  }
}
export default { default: PrecompiledAjv };
`;
    },
  };
}
