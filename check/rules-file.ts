// The rules of any Prometheus rule file, for `check --rules`: Prometheus' `groups:` file (also what
// vmalert reads), the Prometheus Operator's PrometheusRule and VictoriaMetrics' VMRule resources
// (`spec.groups`), several in one YAML stream or a `List`, and Grafana's alert provisioning
// (`groups[].rules[].data[].model.expr`).
import { DashboardError } from "../errors";
import { type JsonObject, isObject } from "../io/json";
import type { Reader } from "../queries/query";
import { type ReadQueries, queryReader } from "./readers";
import { readYamlDocuments } from "./yaml-documents";

type Json = JsonObject<unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Values (keys, scalars, collections) a rule file may hold: yaml takes about a kilobyte each, so this
 * bounds memory near a gigabyte where the size cap alone (16 MiB of `[a,a,...]`) would allow eight.
 */
export const maxRuleFileNodes = 1_000_000;

/** Reads YAML (or JSON) rule files; `file` names it in errors. */
export function readRulesFile(source: string, file: string): Reader[] {
  const values = readYamlDocuments(source, file, {
    maxNodes: maxRuleFileNodes,
    tooManyHint: "a rule takes about five: split the file",
  });
  const read = queryReader();
  const readers: Reader[] = [];
  for (const value of values) {
    const items = isObject(value) && value.kind === "List" ? list(value.items) : [value];
    // a loop, not push(...rules): spreading 150,000 rules overflows the stack
    for (const item of items)
      for (const group of groupsOf(item)) for (const rule of rulesOf(group, read)) readers.push(rule);
  }
  if (readers.length === 0) {
    throw new DashboardError(
      file,
      "no rules found (no groups[].rules[] with alert or record, nor a PrometheusRule or VMRule resource)",
      "--rules expects a Prometheus rule file or a PrometheusRule/VMRule resource",
    );
  }
  return readers;
}

function groupsOf(item: unknown): Json[] {
  if (!isObject(item)) return [];
  if (isObject(item.spec) && (item.kind === "PrometheusRule" || item.kind === "VMRule")) return list(item.spec.groups);
  return list(item.groups);
}

function rulesOf(group: Json, read: ReadQueries): Reader[] {
  return list(group.rules).flatMap((rule): Reader[] => {
    const expr = text(rule.expr) ?? (typeof rule.expr === "number" ? String(rule.expr) : undefined);
    if (text(rule.alert) && expr) return [read("alert", rule.alert as string, [{ expr }])];
    if (text(rule.record) && expr) return [read("record", rule.record as string, [{ expr }])];
    const grafana = list(rule.data)
      .map((query) => (isObject(query.model) ? text(query.model.expr) : undefined))
      .filter((e): e is string => e !== undefined);
    if (text(rule.title) && grafana.length > 0)
      return [
        read(
          "alert",
          rule.title as string,
          grafana.map((expr) => ({ expr })),
        ),
      ];
    return [];
  });
}
