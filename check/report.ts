// What a check says: the lines a user reads from a comparison (which series and labels the dashboard
// reads are missing, and which panels they would blank and alerts they would silence), and whether
// anything is missing.
import { type Comparison, type Finding, describeFinding, readerList } from "./compare";
import type { TelemetryReport } from "./telemetry";

export interface Verdict {
  /** What to print on standard output, in order. */
  readonly lines: readonly string[];
  /** Something a panel reads is missing, or cannot be verified. */
  readonly missing: boolean;
}

export function verdict(
  source: string,
  comparison: Comparison,
  describe: (finding: Finding) => string,
  unverified: (finding: Finding) => boolean,
): Verdict {
  const lines = [...comparison.failures.map(describe), ...comparison.warnings.map(describeFinding)];
  const checked = comparison.checked;
  if (comparison.failures.length === 0) {
    const unseen = comparison.warnings.length > 0 ? ` (${comparison.warnings.length} lazy series not seen yet)` : "";
    lines.push(`ok: ${source} exports all ${checked} series the dashboard reads, with their labels${unseen}`);
    return { lines, missing: false };
  }
  const unverifiable = comparison.failures.filter(unverified).length;
  const series = comparison.failures.filter((f) => f.kind === "series" && !unverified(f)).length;
  const labels = comparison.failures.length - series - unverifiable;
  const parts = [
    series > 0 ? `${series} of ${checked} series not exported` : "",
    unverifiable > 0 ? `${unverifiable} cannot be verified statically` : "",
    labels > 0 ? `${labels} label problem${labels > 1 ? "s" : ""}` : "",
  ];
  lines.push(`FAIL: ${source}: ${parts.filter(Boolean).join(", ")}`);
  return { lines, missing: true };
}

/**
 * How telemetry.ex findings read: a series missing while some definitions could not be evaluated may be
 * one of them, so it is "cannot verify statically" with those lines, like labels from unreadable tags.
 * A summary of the same name gets a hint: the exporter drops summaries, a common reason for a gap.
 */
export function describeTelemetryFinding(telemetry: TelemetryReport): (finding: Finding) => string {
  const unevaluated = telemetry.incomplete.map((p) => `${telemetry.file}:${p.line}`);
  return (finding) => {
    const { need } = finding;
    if (finding.kind !== "series") return describeFinding(finding);
    const summary = telemetry.dropped.find(
      (d) => d.definition.kind === "summary" && d.definition.name === need.metric.name,
    );
    const hint = summary
      ? ` [${telemetry.file}:${summary.definition.line} defines it as a summary, which the exporter drops]`
      : "";
    if (unevaluated.length === 0) return `${describeFinding(finding)}${hint}`;
    return `${need.series}: cannot verify statically: not found, and ${unevaluated.join(", ")} could not be evaluated ${readerList(need.readers)}${hint}`;
  };
}
