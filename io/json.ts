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
