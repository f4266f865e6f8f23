// JSON from outside (a file, an answer, a dashboard read back): what JSON.parse returns, and the one
// guard every room uses to tell an object from an array or null.

/** A value JSON.parse returns. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object; `JsonObject<unknown>` where its values are not known to be JSON (an SDK object, say). */
export type JsonObject<V = Json> = { [key: string]: V };

/** A JSON object: not null, not an array. The one such check, for every room that reads JSON. */
export function isObject(value: Json | undefined): value is JsonObject;
export function isObject(value: unknown): value is JsonObject<unknown>;
export function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const boundWords: Partial<Record<string, string>> = {
  minimum: "at least",
  maximum: "at most",
  exclusiveMinimum: "above",
  exclusiveMaximum: "below",
};

/** A JSON Schema bound a number broke, in words ("must be at most 1"), or undefined for any other rule. */
export function boundBroken(rule: { keyword: string; params: { limit?: unknown } }): string | undefined {
  const words = boundWords[rule.keyword];
  return words === undefined ? undefined : `must be ${words} ${String(rule.params.limit)}`;
}

const typeWords: Partial<Record<string, string>> = {
  boolean: "a boolean",
  number: "a number",
  integer: "a whole number",
  string: "a string",
  array: "a list",
  object: "an object",
  null: "null",
};

/** What a JSON value is, in the words `typeBroken` uses: "a string", "a list", "1.5" for a fraction. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : String(value);
  return typeWords[typeof value] ?? typeof value;
}

/**
 * A JSON Schema `type` a value broke, in words ("must be a boolean, not a string"), or undefined for any
 * other rule. `value` is what stood there; left out, the message says only what was wanted.
 */
export function typeBroken(
  rule: { keyword: string; params: { type?: unknown } },
  ...value: [unknown?]
): string | undefined {
  if (rule.keyword !== "type") return undefined;
  const wanted = String(rule.params.type)
    .split(",")
    .map((type) => typeWords[type] ?? type)
    .join(" or ");
  return value.length === 0 ? `must be ${wanted}` : `must be ${wanted}, not ${kindOf(value[0])}`;
}
