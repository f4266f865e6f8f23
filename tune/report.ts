// What `tune` prints: per alert and instance, firings, time firing, the longest, flaps, and the periods;
// then the suggested bars. As text for a person, or as JSON (times as ISO 8601, durations in seconds).
import { printable } from "../io/printable";
import type { Suggestion } from "./suggest";
import type { AlertHistory, TuneReport } from "./tune";
import { duration, iso } from "./times";

// Instances and label values are the engine's text: escaped and bounded in the text report.
const where = (alert: AlertHistory) => (alert.instance === undefined ? "" : ` on ${printable(alert.instance)}`);

/** Labels that tell two series of one alert on one instance apart (worker, reason, queue...). */
const ownLabels = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .filter(([name]) => !["instance", "job", "severity", "alertname"].includes(name))
    .map(([name, value]) => `${printable(name)}=${printable(value)}`)
    .join(", ");

const weekMs = 7 * 24 * 3_600_000;

/** Firings a week, over a week or more replayed; over less, a week's worth would be a guess. */
function rate(firings: number, replayedMs: number): string {
  return replayedMs >= weekMs
    ? `${((firings * weekMs) / replayedMs).toFixed(1)} a week`
    : `in ${duration(replayedMs)}, too short to say how often a week`;
}

/** What the engine held of the range asked for, when less than all of it. */
function coverageLine(report: TuneReport): string | undefined {
  const { range, asked } = report;
  if (range.startMs <= asked.startMs) return undefined;
  return (
    `note: the engine holds ${report.target} only from ${iso(range.startMs)} on: ` +
    `replayed ${duration(range.endMs - range.startMs)} of the ${duration(asked.endMs - asked.startMs)} asked for`
  );
}

export function reportLines(report: TuneReport, suggestions?: readonly Suggestion[]): string[] {
  const replayedMs = report.range.endMs - report.range.startMs;
  const coverage = coverageLine(report);
  const lines = [
    ...(coverage ? [coverage] : []),
    `Replayed ${iso(report.range.startMs)} to ${iso(report.range.endMs)} (${duration(replayedMs)}), ` +
      `every ${duration(report.intervalMs)}:`,
  ];
  for (const alert of report.alerts) {
    if (alert.firings === 0) {
      lines.push(`${alert.alert}: never fired`);
      continue;
    }
    lines.push(
      `${alert.alert}${where(alert)}: fired ${alert.firings} time(s) (${rate(alert.firings, replayedMs)}), ` +
        `${duration(alert.firingMs)} in all, longest ${duration(alert.longestMs)}, ${alert.flaps} flap(s)`,
    );
    for (const period of alert.periods) {
      const own = ownLabels(period.labels);
      const when = period.ongoing
        ? `${iso(period.startMs)} on, still firing at the end`
        : `${iso(period.startMs)} to ${iso(period.endMs)}`;
      lines.push(`  ${when} (${duration(period.endMs - period.startMs)})${own ? ` ${own}` : ""}`);
    }
  }
  for (const s of suggestions ?? []) {
    lines.push(
      `suggest ${s.alert}: threshold ${s.threshold} -> ${s.suggested} (${s.firings} -> ${s.firingsThen} firing(s), at most ${Math.floor(s.allowed * 100) / 100} allowed)`,
    );
  }
  return lines;
}

export function reportJson(report: TuneReport, suggestions?: readonly Suggestion[]): string {
  const seconds = (ms: number) => ms / 1000;
  return JSON.stringify(
    {
      from: new Date(report.range.startMs).toISOString(),
      to: new Date(report.range.endMs).toISOString(),
      // the range asked for; `from` is later when the engine's history of `target` starts later
      asked: { from: new Date(report.asked.startMs).toISOString(), to: new Date(report.asked.endMs).toISOString() },
      target: report.target,
      intervalSeconds: seconds(report.intervalMs),
      alerts: report.alerts.map((alert) => ({
        alert: alert.alert,
        ...(alert.instance === undefined ? {} : { instance: alert.instance }),
        severity: alert.severity,
        firings: alert.firings,
        firingSeconds: seconds(alert.firingMs),
        longestSeconds: seconds(alert.longestMs),
        flaps: alert.flaps,
        periods: alert.periods.map((p) => ({
          from: new Date(p.startMs).toISOString(),
          to: new Date(p.endMs).toISOString(),
          ongoing: p.ongoing,
          labels: p.labels,
        })),
      })),
      ...(suggestions === undefined ? {} : { suggestions }),
    },
    null,
    2,
  );
}
