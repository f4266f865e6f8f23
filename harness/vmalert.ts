// vmalert's replay mode: evaluates a rule file over a past range on VictoriaMetrics, as it would have run
// then, and writes the resulting ALERTS series back; we read them to see which alerts fired when.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { yamlText } from "../io/yaml";
import { durationMs } from "../queries/durations";

export interface FiredAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** Evaluation times (ms) at which the alert was firing. */
  readonly firingAtMs: readonly number[];
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { record?: string; alert?: string; expr: string }[];
}

/**
 * Replays `ruleFiles` over [fromMs, toMs] at the rule group's `interval` against VictoriaMetrics at `url`,
 * in stages: first the rules that read only scraped series, then those reading what the first recorded,
 * and so on, each stage a vmalert run of its own and flushed before the next, so a rule never reads a
 * recording that is not yet searchable (within one run that depends on timing: vmalert writes remotely).
 */
export async function replayRules(
  ruleFiles: readonly string[],
  url: string,
  range: { fromMs: number; toMs: number; interval: string },
): Promise<void> {
  const groups = ruleFiles.flatMap((file) => (parse(readFileSync(file, "utf8")) as { groups: RuleGroup[] }).groups);
  const rules = groups.flatMap((group) => group.rules);
  const records = rules.flatMap((rule) => (rule.record ? [rule.record] : []));
  const depth = new Map<RuleGroup["rules"][number], number>();
  const depthOf = (rule: RuleGroup["rules"][number]): number => {
    const known = depth.get(rule);
    if (known !== undefined) return known;
    const read = records.filter((record) => record !== rule.record && new RegExp(`\\b${record}\\b`).test(rule.expr));
    const own =
      read.length === 0 ? 0 : 1 + Math.max(...read.map((record) => depthOf(rules.find((r) => r.record === record)!)));
    depth.set(rule, own);
    return own;
  };
  const stages = Math.max(0, ...rules.map(depthOf)) + 1;
  const folder = mkdtempSync(join(tmpdir(), "akkoma-vmalert-"));
  try {
    for (let stage = 0; stage < stages; stage++) {
      const selected = groups
        .map((group) => ({ ...group, rules: group.rules.filter((rule) => depthOf(rule) === stage) }))
        .filter((group) => group.rules.length > 0);
      const file = join(folder, `stage-${stage}.yml`);
      writeFileSync(file, yamlText({ groups: selected }));
      await replayOnce([file], url, range);
      await fetch(`${url}/internal/force_flush`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The most steps one replay query asks for: well under VictoriaMetrics' default -search.maxPointsPerTimeseries
 * (30,000 points, which a part of 30,000 steps already exceeds by its closing point). A week at one a minute.
 */
const maxPointsPerSeries = 10_000;

function replayOnce(
  ruleFiles: readonly string[],
  url: string,
  range: { fromMs: number; toMs: number; interval: string },
): Promise<string> {
  // Replay queries the range in parts of this many steps (1,000 by default), and an alert's pending state
  // does not carry from one part to the next: a ticket with `for: 30m` firing across the 1,000th minute
  // of a day-long replay went pending again for half an hour. So one part for the whole range, up to a week;
  // recordings alone, which keep no state, may take a month in parts.
  const points = Math.ceil((range.toMs - range.fromMs) / durationMs(range.interval)) + 1;
  const alerting = ruleFiles.some((file) => /^\s*-?\s*alert:/m.test(readFileSync(file, "utf8")));
  if (alerting && points > maxPointsPerSeries) {
    throw new Error(
      `an alert replay of ${points} steps would be split, losing pending states: at most ${maxPointsPerSeries}`,
    );
  }
  const args = [
    // vmalert 1.79 queries with a 5m step by default; with a step longer than the group's interval, replay
    // sees gaps between points and never lets a pending alert (one with `for`) reach firing.
    `-datasource.queryStep=${range.interval}`,
    `-replay.maxDatapointsPerQuery=${Math.min(maxPointsPerSeries, Math.max(1000, points))}`,
    ...ruleFiles.map((file) => `-rule=${file}`),
    `-datasource.url=${url}`,
    `-remoteWrite.url=${url}`,
    `-replay.timeFrom=${new Date(range.fromMs).toISOString()}`,
    `-replay.timeTo=${new Date(range.toMs).toISOString()}`,
    "-replay.disableProgressBar",
    "-loggerLevel=WARN",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("vmalert", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`vmalert replay exited with ${code}:\n${output}`)),
    );
  });
}

/** Every firing alert vmalert wrote back, with the times it was firing. */
export async function firedAlerts(url: string): Promise<FiredAlert[]> {
  await fetch(`${url}/internal/force_flush`);
  const response = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent('ALERTS{alertstate="firing"}')}`);
  if (!response.ok) throw new Error(`VictoriaMetrics export failed: HTTP ${response.status}`);
  return (await response.text())
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const { metric, timestamps } = JSON.parse(line) as { metric: Record<string, string>; timestamps: number[] };
      const { __name__: _name, alertstate: _state, ...labels } = metric;
      return { labels, firingAtMs: [...timestamps].sort((a, b) => a - b) };
    });
}
