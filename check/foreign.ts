// `check --dashboard FILE` and `check --rules FILE`: anyone's dashboard and rules, read once and judged
// against each source. Rules checked together with a dashboard
// make the series they record available to it.
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import { type ReadLimits, readSource } from "../io/sources";
import { type DashboardFile, readDashboardFile } from "./dashboard-file";
import { readRulesFile } from "./rules-file";
import type { Judged } from "./run";

export interface ForeignFiles {
  readonly dashboard?: string;
  readonly rules?: string;
}

/** A dashboard file's text: JSON (exported, provisioned, an API body). */
export function parseDashboard(text: string, file: string): DashboardFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text around the fault: the file's bytes, escaped.
    throw new DashboardError(file, `not JSON: ${printable((error as Error).message)}`);
  }
  return readDashboardFile(json, file);
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
    const text = await readSource(files.dashboard, "--dashboard expects a Grafana dashboard JSON file", limits);
    judged.push({ name: files.dashboard, readers: parseDashboard(text, files.dashboard).readers, recorded });
  }
  return judged;
}
