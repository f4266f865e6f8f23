import { isObject } from "../../io/json";

// The one place where the vendored Grafana schemas are made less strict than cog generated them.
// Every entry must name something Grafana itself accepts and emits; `from` pins the vendored value, so a
// schema refresh that changes it fails loudly instead of silently keeping a stale patch.

export interface Relaxation {
  /** Vendored schema file, without `.jsonschema.json`. */
  schema: string;
  /** JSON pointer (RFC 6901) into that schema. */
  pointer: string;
  /** The vendored value at `pointer`. */
  from: unknown;
  /** The value to use instead. */
  to: unknown;
  reason: string;
}

const anyValue = "`_` (any) in Grafana's CUE";

/**
 * cog renders CUE's `_` (any value) as "an object with any properties"; what Grafana writes there (and
 * its v1 -> v2 converter copies as is) are strings and scalars. The same in every dashboard schema.
 */
export const anyValueRelaxations = (schema: string): Relaxation[] => [
  {
    schema,
    pointer: "/definitions/MatcherConfig/properties/options",
    from: {
      type: "object",
      additionalProperties: {},
      description: "The matcher options. This is specific to the matcher implementation.",
    },
    to: { description: "The matcher options. This is specific to the matcher implementation." },
    reason: `${anyValue}; the byName, byRegexp and byFrameRefID matchers Grafana writes take a string`,
  },
  {
    schema,
    pointer: "/definitions/DynamicConfigValue/properties/value",
    from: { type: "object", additionalProperties: {} },
    to: {},
    reason: `${anyValue}; Grafana writes scalar override values (unit, min, decimals, displayName...)`,
  },
];

// Deliberately not relaxed: a legend without `calcs`. Grafana 12.1 exports state-timeline legends without it
// and fills it in on load, but the SDK always writes it, so requiring it costs nothing.
export const relaxations: readonly Relaxation[] = [
  ...anyValueRelaxations("dashboard"),
  ...["dashboardv2", "dashboardv2beta1"].flatMap((schema) => [
    ...anyValueRelaxations(schema),
    {
      schema,
      pointer: "/definitions/AnnotationQuerySpec/properties/legacyOptions/additionalProperties",
      from: { type: "object", additionalProperties: {} },
      to: {},
      reason: `${anyValue} (\`[string]: _\`); an annotation's own strings and booleans go there`,
    },
  ]),
];

/** Applies `patches` in place to the schemas they name. */
export function applyRelaxations(schemas: Record<string, object>, patches: readonly Relaxation[]): void {
  for (const patch of patches) applyRelaxation(schemas, patch);
}

function applyRelaxation(schemas: Record<string, object>, patch: Relaxation): void {
  const where = `relaxation ${patch.schema}${patch.pointer}`;
  const keys = parsePointer(patch.pointer);
  const last = keys.pop();
  if (last === undefined) throw new Error(`${where}: cannot replace a whole schema`);
  const parent = keys.reduce<unknown>((node, key) => childOf(node, key), schemas[patch.schema]);
  if (!isObject(parent)) throw new Error(`${where}: no such location in the vendored schema`);
  if (JSON.stringify(parent[last]) !== JSON.stringify(patch.from)) {
    throw new Error(
      `${where}: vendored value changed (now ${JSON.stringify(parent[last])}); re-check the reason: ${patch.reason}`,
    );
  }
  parent[last] = structuredClone(patch.to);
}

function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith("/")) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function childOf(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return node[Number(key)];
  return isObject(node) ? node[key] : undefined;
}
