export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. The one such check, for every room that reads JSON. */
export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
