// The validators compile.ts generates into dist/build/schemas, and how a build loads them. Kept apart
// from compile.ts and schemaSet.ts so that a build loads neither ajv nor the schemas themselves.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const VALIDATORS_FILE = "validators.js";

type ModuleExports = Record<string, unknown>;

/** Writes the standalone validators `source` into `dir`, stamped with the inputs there. */
export function writePrecompiledValidators(dir: string, source: string): void {
  const fingerprint = JSON.stringify(schemaFolderFingerprint(dir));
  writeFileSync(join(dir, VALIDATORS_FILE), `${source}\nexports.schemaFingerprint = ${fingerprint};\n`);
}

/**
 * The precompiled validators, unless missing or generated from files other than those now in `dir`.
 * The one-file CLI bundle includes them (esbuild follows this literal require); there `dir` does not
 * exist, and the bundled validators are those made by the same `npm run compile`.
 */
export function loadPrecompiledValidators(dir: string): ModuleExports | undefined {
  let validators: ModuleExports;
  try {
    validators = require("./validators.js") as ModuleExports;
  } catch {
    return undefined; // under ts-jest, or before the first compile
  }
  if (!existsSync(dir) || validators.schemaFingerprint === schemaFolderFingerprint(dir)) return validators;
  process.emitWarning(
    `${join(dir, VALIDATORS_FILE)} is stale, compiling the schemas instead (slow): run "npm run compile"`,
  );
  return undefined;
}

/**
 * Hash of every file in `dir` but the generated one: the schemas, the relaxations and the code that
 * compiles them. Validators generated from other files (say, before a plain `tsc`) are not used.
 */
function schemaFolderFingerprint(dir: string): string {
  const hash = createHash("sha256");
  const inputs = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== VALIDATORS_FILE)
    .map((entry) => entry.name)
    .sort();
  for (const file of inputs) hash.update(`${file}\n`).update(readFileSync(join(dir, file)));
  return hash.digest("hex");
}
