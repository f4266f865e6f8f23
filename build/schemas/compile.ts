// Compiles the schema set with ajv. Compiling the dashboard schema costs well over 100 ms, too slow for
// every build, so `node dist/build/schemas/compile.js` writes the validators once as standalone code next
// to itself (dist/build/schemas/validators.js); validate.ts compiles in process only when that file is
// missing or was generated from other files (e.g. under ts-jest, which runs the TypeScript sources).

import Ajv from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { writePrecompiledValidators } from "./precompiled";
import { type SchemaSet, schemaSet } from "./schemaSet";
import type { Validators } from "./validatorNames";

function createAjv(set: SchemaSet): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // An annotation cog adds to deprecated definitions; it constrains nothing.
    keywords: ["x-deprecation-message"],
    // Only DashboardMeta and Snapshot use it, and a dashboard contains neither.
    formats: { "date-time": true },
    code: { source: true },
  });
  for (const [key, schema] of Object.entries(set.schemas)) ajv.addSchema(schema, key);
  return ajv;
}

export function compileValidators(set: SchemaSet = schemaSet()): Validators {
  const ajv = createAjv(set);
  const validators: Validators = {};
  for (const [name, ref] of Object.entries(set.validatorRefs)) {
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`schema reference ${ref} (for ${name}) resolves to nothing`);
    validators[name] = validate;
  }
  return validators;
}

/** CommonJS source exporting every validator by name. */
export function standaloneValidatorsSource(set: SchemaSet = schemaSet()): string {
  return standaloneCode(createAjv(set), set.validatorRefs);
}

if (require.main === module) writePrecompiledValidators(__dirname, standaloneValidatorsSource());
