// The rules of any Prometheus rule file, for `check --rules`: Prometheus' `groups:` file (also what
// vmalert reads), the Prometheus Operator's PrometheusRule and VictoriaMetrics' VMRule resources
// (`spec.groups`), several in one YAML stream or a `List`, and Grafana's alert provisioning
// (`groups[].rules[].data[].model.expr`).
import { parseAllDocuments } from "yaml";
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import type { QueryReader } from "./dashboard-file";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Reads YAML (or JSON) rule files; `file` names it in errors. */
export function readRulesFile(source: string, file: string): QueryReader[] {
  const documents = parseAllDocuments(source);
  const readers: QueryReader[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new DashboardError(
        `${file}${line ? `:${line}` : ""}`,
        `not YAML: ${printable(error.message.split("\n")[0] ?? "")}`,
      );
    }
    // a bounded alias expansion: a hostile file cannot multiply itself
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new DashboardError(
        file,
        `cannot be read: ${printable((error as Error).message)}`,
        "write the values, not aliases",
      );
    }
    const items = isObject(value) && value.kind === "List" ? list(value.items) : [value];
    for (const item of items) readers.push(...groupsOf(item).flatMap(rulesOf));
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

function rulesOf(group: Json): QueryReader[] {
  return list(group.rules).flatMap((rule): QueryReader[] => {
    const expr = text(rule.expr) ?? (typeof rule.expr === "number" ? String(rule.expr) : undefined);
    if (text(rule.alert) && expr) return [{ kind: "alert", name: rule.alert as string, queries: [expr] }];
    if (text(rule.record) && expr) return [{ kind: "record", name: rule.record as string, queries: [expr] }];
    const grafana = list(rule.data)
      .map((query) => (isObject(query.model) ? text(query.model.expr) : undefined))
      .filter((e): e is string => e !== undefined);
    if (text(rule.title) && grafana.length > 0)
      return [{ kind: "alert", name: rule.title as string, queries: grafana }];
    return [];
  });
}
