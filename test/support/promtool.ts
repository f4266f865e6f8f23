// promtool as the rule tests use it: the rule files written to a folder (annotations left out: they are
// templated with values), series in promtool's notation, and `promtool test rules` run there.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { type RuleRendering, prometheusRulesFile, recordingRulesFile, sloRulesFile } from "../../build/rules";
import type { SyntheticSeries } from "../../harness/synthetic";
import { requireCommand } from "./build";

export function promtool(args: string[], cwd: string) {
  const result = spawnSync(requireCommand("promtool", "prometheus"), args, { encoding: "utf8", cwd });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** promtool's series notation: one value a minute, `_` where the scrape did not see it. */
export const inputSeries = (series: readonly SyntheticSeries[], options: { staleMarkers?: boolean } = {}) =>
  series.map(({ name, labels, values }) => ({
    series: `${name}{${Object.entries(labels)
      .map(([label, value]) => `${label}=${JSON.stringify(value)}`)
      .join(",")}}`,
    // With `staleMarkers`, the first missed scrape marks the series stale, as Prometheus' scrape loop does:
    // a query (or a rule) then stops seeing its last value at once instead of for five more minutes.
    values: Array.from(values, (value, i) =>
      !Number.isNaN(value)
        ? String(value)
        : options.staleMarkers && i > 0 && !Number.isNaN(values[i - 1] as number)
          ? "stale"
          : "_",
    ).join(" "),
  }));

/** Series as a scraper relabelled them: the job label renamed, and further target labels added. */
export const relabelled = (
  series: readonly SyntheticSeries[],
  jobLabel: string,
  extra: Readonly<Record<string, string>>,
): SyntheticSeries[] =>
  series.map((one) => {
    const { job, ...labels } = one.labels as Record<string, string>;
    return { ...one, labels: { ...labels, ...(job === undefined ? {} : { [jobLabel]: job }), ...extra } };
  });

/**
 * Writes the recorded dashboard's recording rules and the alert rules (with the recordings they read) for
 * `rendering` into `folder`, and the objective's file where the rendering has one (as a ruler loads all
 * three: the alert file then watches it), unless `slo` is false; returns their names, recordings first.
 * `withoutRecordings`: the groups without their recording rules, as a ruler sees them when they stopped.
 */
export function writeRuleFiles(
  folder: string,
  rendering: RuleRendering = {},
  options: { slo?: boolean; withoutRecordings?: boolean } = {},
): string[] {
  const withoutAnnotations = (text: string) => {
    const file = parse(text) as { groups: { rules: { annotations?: unknown; record?: string }[] }[] };
    for (const group of file.groups) {
      if (options.withoutRecordings) group.rules = group.rules.filter((rule) => rule.record === undefined);
      for (const rule of group.rules) delete rule.annotations;
    }
    return stringify(file, { lineWidth: 0 });
  };
  writeFileSync(join(folder, "recording-rules.yml"), recordingRulesFile(rendering));
  writeFileSync(join(folder, "alerts.yml"), withoutAnnotations(prometheusRulesFile(rendering)));
  const slo = sloRulesFile(rendering);
  if (options.slo === false || (parse(slo) as { groups: unknown[] }).groups.length === 0)
    return ["recording-rules.yml", "alerts.yml"];
  writeFileSync(join(folder, "slo-rules.yml"), withoutAnnotations(slo));
  return ["recording-rules.yml", "alerts.yml", "slo-rules.yml"];
}

/** Runs `promtool test rules` on a test file for the given rule files and tests. */
export function testRules(folder: string, ruleFiles: readonly string[], tests: readonly object[]) {
  const file = join(folder, "tests.yml");
  const spec = {
    rule_files: ruleFiles,
    evaluation_interval: "1m",
    tests: tests.map((t) => ({ interval: "1m", ...t })),
  };
  writeFileSync(file, stringify(spec, { lineWidth: 0 }));
  return promtool(["test", "rules", file], folder);
}
