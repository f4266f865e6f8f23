// `check --dashboard FILE` and `check --rules FILE`: anyone's dashboard (v1 JSON, or a v2 resource in JSON
// or YAML) and rules, read once and judged against each source. Rules checked together with a dashboard
// make the series they record available to it.
import { DashboardError } from "../errors";
import { isObject } from "../io/json";
import { printable } from "../io/printable";
import { type ReadLimits, readSource } from "../io/sources";
import { type DashboardFile, readDashboardFile } from "./dashboard-file";
import { isV2Dashboard, readV2Dashboard } from "./dashboard-v2";
import { readRulesFile } from "./rules-file";
import type { Judged } from "./run";
import { readYamlDocuments } from "./yaml-documents";

export interface ForeignFiles {
  readonly dashboard?: string;
  readonly rules?: string;
}

/** YAML values a dashboard may hold: a large one has some hundred thousand. */
export const maxDashboardNodes = 1_000_000;

/**
 * A parsed dashboard of either schema; `file` names it in errors. A `dashboard.grafana.app/v1beta1` (or
 * v0alpha1) resource holds the classic JSON as its spec, in a GrafanaManifest too.
 */
export function readDashboard(json: unknown, file: string): DashboardFile {
  const template = isObject(json) && json.kind === "GrafanaManifest" && isObject(json.spec) ? json.spec.template : json;
  const version = isObject(template) ? template.apiVersion : undefined;
  if (isObject(template) && typeof version === "string" && /^dashboard\.grafana\.app\/v[01]/.test(version))
    return readDashboardFile(template.spec, file);
  return isV2Dashboard(json) ? readV2Dashboard(json, file) : readDashboardFile(json, file);
}

/** A dashboard file's text: JSON (exported, provisioned, an API body, a v2 resource) or YAML (a v2 resource). */
export function parseDashboard(text: string, file: string): DashboardFile {
  if (/^\s*[{[]/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // JSON.parse quotes the text around the fault: the file's bytes, escaped.
      throw new DashboardError(file, `not JSON: ${printable((error as Error).message)}`);
    }
    return readDashboard(json, file);
  }
  const documents = readYamlDocuments(text, file, {
    maxNodes: maxDashboardNodes,
    tooManyHint: "a dashboard is rarely over a few MiB: split the file",
  }).filter((document) => document !== null && document !== undefined);
  if (documents.length !== 1)
    throw new DashboardError(
      file,
      documents.length === 0 ? "empty: no dashboard" : `${documents.length} YAML documents: one dashboard a file`,
      "--dashboard expects one dashboard: v1 JSON or a dashboard.grafana.app/v2 resource",
    );
  return readDashboard(documents[0], file);
}

/** Reads the files, each once: what each reads, to be judged against every source. */
export async function readForeign(files: ForeignFiles, limits: ReadLimits): Promise<Judged[]> {
  const judged: Judged[] = [];
  const rules = files.rules
    ? readRulesFile(await readSource(files.rules, "--rules expects a Prometheus rule file", limits), files.rules)
    : [];
  const recorded = new Set(rules.filter((r) => r.kind === "record").map((r) => r.name));
  if (files.rules) judged.push({ name: files.rules, readers: rules, recorded });
  if (files.dashboard) {
    const text = await readSource(
      files.dashboard,
      "--dashboard expects a Grafana dashboard: v1 JSON, or a v2 resource in JSON or YAML",
      limits,
    );
    judged.push({ name: files.dashboard, readers: parseDashboard(text, files.dashboard).readers, recorded });
  }
  return judged;
}
