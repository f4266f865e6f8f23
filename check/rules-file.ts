// The rules of any Prometheus rule file, for `check --rules`: Prometheus' `groups:` file (also what
// vmalert reads), the Prometheus Operator's PrometheusRule and VictoriaMetrics' VMRule resources
// (`spec.groups`), several in one YAML stream or a `List`, and Grafana's alert provisioning
// (`groups[].rules[].data[].model.expr`).
import { parseAllDocuments } from "yaml";
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import type { QueryReader } from "./dashboard-file";
import { lineBeyondNodes, nestedTooDeeply, yamlError } from "../io/yaml";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Values (keys, scalars, collections) a rule file may hold: yaml takes about a kilobyte each, so this
 * bounds memory near a gigabyte where the size cap alone (16 MiB of `[a,a,...]`) would allow eight.
 */
export const maxRuleFileNodes = 1_000_000;

/** Reads YAML (or JSON) rule files; `file` names it in errors. */
export function readRulesFile(source: string, file: string): QueryReader[] {
  const beyond = lineBeyondNodes(source, maxRuleFileNodes);
  if (beyond !== undefined)
    throw new DashboardError(
      `${file}:${beyond}`,
      `more than ${maxRuleFileNodes.toLocaleString("en")} YAML values; stopped reading`,
      "a rule takes about five: split the file",
    );
  // `<<: *base` merge keys, as promtool (Go's yaml.v3) reads them: a rule written that way counts.
  const documents = parseAllDocuments(source, { merge: true });
  const readers: QueryReader[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const error = document.errors[0];
    if (error) throw yamlError(file, error, "not YAML");
    // yaml reads `!!python/object` as a plain mapping with a warning; promtool refuses it
    const unknownTag = document.warnings.find((warning) => warning.code === "TAG_RESOLVE_FAILED");
    if (unknownTag)
      throw yamlError(file, unknownTag, "an unknown YAML tag", "a rule file holds plain mappings: remove the tag");
    // a bounded alias expansion: a hostile file cannot multiply itself
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      if (error instanceof RangeError) throw new DashboardError(file, nestedTooDeeply);
      throw new DashboardError(
        file,
        `cannot be read: ${printable((error as Error).message)}`,
        "write the values, not aliases",
      );
    }
    const items = isObject(value) && value.kind === "List" ? list(value.items) : [value];
    // a loop, not push(...rules): spreading 150,000 rules overflows the stack
    for (const item of items) for (const group of groupsOf(item)) for (const rule of rulesOf(group)) readers.push(rule);
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
