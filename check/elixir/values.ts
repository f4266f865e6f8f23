// What the evaluator computes: Elixir terms it can know statically, or why it cannot.
import type { Clause } from "./ast";

export type Value =
  | { readonly t: "number"; readonly v: number }
  | { readonly t: "string"; readonly v: string }
  | { readonly t: "atom"; readonly v: string }
  | { readonly t: "alias"; readonly v: string }
  | { readonly t: "list"; readonly items: readonly Value[] }
  | { readonly t: "tuple"; readonly items: readonly Value[] }
  | { readonly t: "fn"; readonly clauses: readonly Clause[]; readonly env: Env }
  | Opaque
  | Unknown;

/** A term made by a library the evaluator is told about (e.g. a Telemetry.Metrics definition). */
export interface Opaque {
  readonly t: "opaque";
  readonly value: unknown;
  /** How messages show it, e.g. `counter("a.b")`. */
  readonly shown: string;
}

export interface Unknown {
  readonly t: "unknown";
  readonly why: string;
  readonly line: number;
}

export type Env = Map<string, Value>;

export type Match = "yes" | "no" | "unknown";

export const unknown = (why: string, line: number): Unknown => ({ t: "unknown", why, line });
export const atom = (v: string): Value => ({ t: "atom", v });
export const list = (items: readonly Value[]): Value => ({ t: "list", items });
export const nil = atom("nil");

export function show(value: Value): string {
  switch (value.t) {
    case "number":
      return String(value.v);
    case "string":
      return JSON.stringify(value.v);
    case "atom":
      return `:${value.v}`;
    case "alias":
      return value.v;
    case "opaque":
      return value.shown;
    case "unknown":
      return "an unknown value";
    default:
      return `a ${value.t}`;
  }
}

export function truthy(value: Value): boolean | undefined {
  if (value.t === "unknown") return undefined;
  return !(value.t === "atom" && (value.v === "false" || value.v === "nil"));
}

/** Whether two literal values are the same term; undefined when either is not known. */
export function equal(a: Value, b: Value): boolean | undefined {
  if (a.t === "unknown" || b.t === "unknown") return undefined;
  if (a.t !== b.t) return false;
  if ("v" in a && "v" in b) return a.v === b.v;
  return undefined;
}

/** Keeps what is known of `a ++ b` when one side is not: the unknown part is reported where the list is used. */
export function concatLists(left: Value, right: Value, line: number): Value {
  const items = (v: Value): readonly Value[] | undefined =>
    v.t === "list" ? v.items : v.t === "unknown" ? [v] : undefined;
  const l = items(left);
  const r = items(right);
  if (!l || !r) return unknown(`++ needs lists, got ${show(l ? right : left)}`, line);
  return list([...l, ...r]);
}

/** `list[:key]` on a keyword list. */
export function keywordGet(value: Value, key: string): Value | undefined {
  if (value.t !== "list") return undefined;
  for (const item of value.items) {
    if (item.t === "tuple" && item.items.length === 2 && item.items[0].t === "atom" && item.items[0].v === key)
      return item.items[1];
  }
  return undefined;
}
