// `check --dashboard FILE` and `check --rules FILE`: anyone's dashboard or rules against telemetry.ex or a
// scrape. Rules checked together with a dashboard make the series they record available to it.
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import type { Metric } from "../queries/catalogue";
import { type QueryReader, readDashboardFile } from "./dashboard-file";
import { judge, judgementLines } from "./judge";
import type { Verdict } from "./report";
import { readRulesFile } from "./rules-file";
import type { Source } from "./run";
import { type ReadLimits, readSource } from "../io/sources";

export interface ForeignFiles {
  readonly dashboard?: string;
  readonly rules?: string;
}

/** Judges the files against one source: each file's problems, then its verdict. */
export async function checkForeign(
  files: ForeignFiles,
  source: Source,
  catalogue: readonly Metric[],
  limits: ReadLimits,
): Promise<Verdict> {
  const lines: string[] = [];
  let missing = false;
  const rules = files.rules
    ? readRulesFile(await readSource(files.rules, "--rules expects a Prometheus rule file", limits), files.rules)
    : [];
  const recorded = new Set(rules.filter((r) => r.kind === "record").map((r) => r.name));
  const judged = (file: string, readers: readonly QueryReader[], variables?: ReadonlySet<string>) => {
    const judgement = judge(readers, source.exported, {
      catalogue,
      recorded,
      scrape: source.scrape,
      ...(variables ? { variables } : {}),
    });
    for (const line of judgementLines(judgement, file, source.shown)) lines.push(line);
    missing ||= judgement.failing.length > 0;
  };
  if (files.rules) judged(files.rules, rules);
  if (files.dashboard) {
    const text = await readSource(files.dashboard, "--dashboard expects a Grafana dashboard JSON file", limits);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // JSON.parse quotes the text around the fault: the file's bytes, escaped.
      throw new DashboardError(files.dashboard, `not JSON: ${printable((error as Error).message)}`);
    }
    const dashboard = readDashboardFile(json, files.dashboard);
    judged(files.dashboard, dashboard.readers, dashboard.variables);
  }
  return { lines, missing };
}
