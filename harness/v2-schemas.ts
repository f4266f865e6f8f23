// Validators for Grafana's published v2 dashboard schemas, the ones the build checks its v2 resources with
// (build/schemas/, with build/schemas/relaxations.ts applied), for tests that check a converted dashboard.

import type { ValidateFunction } from "ajv";
import { compileValidators } from "../build/schemas/compile";
import { type V2Version, v2ValidatorName, v2Versions } from "../build/schemas/validatorNames";

export { type V2Version, v2Versions };

/** One validator per v2 API version, of a whole dashboard spec. */
export function v2Validators(): Record<V2Version, ValidateFunction> {
  const validators = compileValidators();
  return Object.fromEntries(
    v2Versions.map((version) => [version, validators[v2ValidatorName(version)] as ValidateFunction]),
  ) as Record<V2Version, ValidateFunction>;
}
