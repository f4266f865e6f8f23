// vmalert's replay mode: evaluates a rule file over a past range on VictoriaMetrics, as it would have run
// then, and writes the resulting ALERTS series back; we read them to see which alerts fired when.
import { spawn } from "node:child_process";

export interface FiredAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** Evaluation times (ms) at which the alert was firing. */
  readonly firingAtMs: readonly number[];
}

/**
 * Replays `ruleFiles` over [fromMs, toMs] at the rule group's `interval` against VictoriaMetrics at `url`;
 * resolves when vmalert exits. Groups are replayed in order, each writing its results before the next
 * starts: recording rules go first, so the alerts read what they recorded.
 */
export function replayRules(
  ruleFiles: readonly string[],
  url: string,
  range: { fromMs: number; toMs: number; interval: string },
): Promise<string> {
  const args = [
    // vmalert 1.79 queries with a 5m step by default; with a step longer than the group's interval, replay
    // sees gaps between points and never lets a pending alert (one with `for`) reach firing.
    `-datasource.queryStep=${range.interval}`,
    ...ruleFiles.map((file) => `-rule=${file}`),
    `-datasource.url=${url}`,
    `-remoteWrite.url=${url}`,
    `-replay.timeFrom=${new Date(range.fromMs).toISOString()}`,
    `-replay.timeTo=${new Date(range.toMs).toISOString()}`,
    "-replay.disableProgressBar",
    // Rules in one group may read each other's results (a recording, then the alert over it): each waits
    // until the previous one's are written and searchable, as vmalert asks (rulesDelay >= flushInterval).
    "-remoteWrite.flushInterval=500ms",
    "-replay.rulesDelay=2s",
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
