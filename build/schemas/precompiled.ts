// The validators compile.ts generates into dist/build/schemas, and how a build loads them. Kept apart
// from compile.ts and schemaSet.ts so that a build loads neither ajv nor the schemas themselves.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireWithCodeCache } from "../../cli/code-cache";

const VALIDATORS_FILE = "validators.js";
// V8's compiled code for validators.js, made after running every validator once: parsing and compiling
// ~400 kB of generated code on each build costs about 15 ms more. V8 ignores a cache from another version.
const CODE_CACHE_FILE = "validators.v8cache";
const GENERATED_FILES = [VALIDATORS_FILE, CODE_CACHE_FILE];

type ModuleExports = Record<string, unknown>;

/** Writes the standalone validators `source` and its code cache into `dir`, stamped with the inputs there. */
export function writePrecompiledValidators(dir: string, source: string): void {
  const fingerprint = JSON.stringify(schemaFolderFingerprint(dir));
  writeFileSync(join(dir, VALIDATORS_FILE), `${source}\nexports.schemaFingerprint = ${fingerprint};\n`);
  const validators = runValidatorsModule(dir);
  for (const validate of Object.values(validators.exports)) if (typeof validate === "function") validate({});
  validators.saveCodeCache({ force: true });
}

/** The validators precompiled in `dir`, unless missing or generated from files other than those now there. */
export function loadPrecompiledValidators(dir: string): ModuleExports | undefined {
  if (!existsSync(join(dir, VALIDATORS_FILE))) return undefined;
  const { exports } = runValidatorsModule(dir);
  if (exports.schemaFingerprint === schemaFolderFingerprint(dir)) return exports;
  process.emitWarning(
    `${join(dir, VALIDATORS_FILE)} is stale, compiling the schemas instead (slow): run "npm run compile"`,
  );
  return undefined;
}

const runValidatorsModule = (dir: string) =>
  requireWithCodeCache(join(dir, VALIDATORS_FILE), join(dir, CODE_CACHE_FILE));

/**
 * Hash of every file in `dir` but the generated ones: the schemas, the relaxations and the code that
 * compiles them. Validators generated from other files (say, before a plain `tsc`) are not used.
 */
function schemaFolderFingerprint(dir: string): string {
  const hash = createHash("sha256");
  const inputs = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !GENERATED_FILES.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const file of inputs) hash.update(`${file}\n`).update(readFileSync(join(dir, file)));
  return hash.digest("hex");
}
