// Validators for Grafana's published v2 dashboard schemas (harness/schemas/), after the same kind of
// relaxations build/schemas/relaxations.ts makes to the v1 ones: cog renders CUE's `_` (any value) as
// "an object", where Grafana's own converter writes strings and numbers.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { type Relaxation, anyValueRelaxations, applyRelaxations } from "../build/schemas/relaxations";

export const v2Versions = ["dashboardv2beta1", "dashboardv2"] as const;
export type V2Version = (typeof v2Versions)[number];

const relaxationsOf = (schema: V2Version): Relaxation[] => [
  ...anyValueRelaxations(schema),
  {
    schema,
    pointer: "/definitions/AnnotationQuerySpec/properties/legacyOptions/additionalProperties",
    from: { type: "object", additionalProperties: {} },
    to: {},
    reason:
      "`_` (any) in Grafana's CUE (`[string]: _`); the converter puts an annotation's own strings and booleans there",
  },
];

/** One validator per v2 API version, of a whole dashboard spec (read from the sources: tests run them via ts-jest). */
export function v2Validators(): Record<V2Version, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schemas: Record<string, object> = Object.fromEntries(
    v2Versions.map((v) => [v, JSON.parse(readFileSync(join(__dirname, "schemas", `${v}.jsonschema.json`), "utf8"))]),
  );
  applyRelaxations(schemas, v2Versions.flatMap(relaxationsOf));
  for (const [key, schema] of Object.entries(schemas)) ajv.addSchema(schema, key);
  return Object.fromEntries(
    v2Versions.map((v) => {
      const validate = ajv.getSchema(`${v}#/definitions/Dashboard`);
      if (!validate) throw new Error(`${v}.jsonschema.json has no Dashboard definition`);
      return [v, validate];
    }),
  ) as Record<V2Version, ValidateFunction>;
}
