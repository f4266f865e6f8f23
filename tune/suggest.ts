// Thresholds fitted to a target: for each alert with a bar that fired more often than "at most N a week"
// allows over the replayed range, the lowest bar found that keeps it within the target, and the values
// file that renders it. Only raised, never lowered: an alert that meets the target keeps its bar.
import { yamlText } from "../io/yaml";
import type { AlertName } from "../alerts/akkoma";
import { type DeploymentValues, thresholdMaximum } from "../deploy/values";
import type { RangeClient } from "./engine";
import { replayedRules } from "./rules";
import { type TuneRange, replayRule, weekMs } from "./tune";

export interface Suggestion {
  readonly alert: string;
  readonly threshold: number;
  readonly suggested: number;
  readonly firings: number;
  readonly firingsThen: number;
  /** Firings the target allows over the range. */
  readonly allowed: number;
}

/** Bisection steps after the doubling found a bar that meets the target. */
const bisections = 8;
const maxDoublings = 30;

export async function suggestThresholds(
  client: RangeClient,
  range: TuneRange,
  maxPerWeek: number,
  values: DeploymentValues = {},
  onChunk?: () => void,
): Promise<Suggestion[]> {
  const allowed = (maxPerWeek * (range.endMs - range.startMs)) / weekMs;
  const firingsAt = async (alert: string, threshold: number) => {
    const rule = replayedRules(withThreshold(values, alert, threshold)).find((candidate) => candidate.alert === alert);
    return rule ? (await replayRule(client, rule, range, onChunk)).length : 0;
  };
  const suggestions: Suggestion[] = [];
  for (const rule of replayedRules(values)) {
    if (rule.threshold === undefined) continue;
    const firings = await firingsAt(rule.alert, rule.threshold);
    if (firings <= allowed) continue;
    // Double until the target is met (a bar of 0 first tries 1), then bisect between the last two bars.
    // A share's bar stops at 1: past it the values file refuses the suggestion.
    const most = thresholdMaximum(rule.alert) ?? Infinity;
    let low = rule.threshold;
    let high = Math.min(rule.threshold > 0 ? rule.threshold * 2 : 1, most);
    let highFirings = await firingsAt(rule.alert, high);
    for (let k = 0; highFirings > allowed && k < maxDoublings && high < most; k++) {
      low = high;
      high = Math.min(high * 2, most);
      highFirings = await firingsAt(rule.alert, high);
    }
    if (highFirings > allowed) continue;
    for (let k = 0; k < bisections; k++) {
      const middle = (low + high) / 2;
      const middleFirings = await firingsAt(rule.alert, middle);
      if (middleFirings <= allowed) [high, highFirings] = [middle, middleFirings];
      else low = middle;
    }
    // A bar a person can read, kept only if it still meets the target, and never past the most the values
    // file takes: rounding a share's bar of 1 up made 1.1, which the file refuses.
    const rounded = Math.min(roundUp(high), most);
    const roundedFirings = rounded === high ? highFirings : await firingsAt(rule.alert, rounded);
    const [suggested, firingsThen] = roundedFirings <= allowed ? [rounded, roundedFirings] : [high, highFirings];
    suggestions.push({ alert: rule.alert, threshold: rule.threshold, suggested, firings, firingsThen, allowed });
  }
  return suggestions;
}

/** `values` with the alert's bar set, everything else as it was. */
export function withThreshold(values: DeploymentValues, alert: string, threshold: number): DeploymentValues {
  const alerts = { ...values.alerts, [alert]: { ...values.alerts?.[alert as AlertName], threshold } };
  return { ...values, alerts };
}

/** The values file the suggestions render: the given values with the suggested bars. */
export function suggestedValuesText(
  values: DeploymentValues,
  suggestions: readonly Suggestion[],
  maxPerWeek: number,
): string {
  const tuned = suggestions.reduce((all, s) => withThreshold(all, s.alert, s.suggested), values);
  const alerts = suggestions.map((s) => `${s.alert} ${s.threshold} -> ${s.suggested}`).join(", ");
  return (
    `# Thresholds suggested by \`akkoma-dashboards tune\` for at most ${maxPerWeek} firing(s) a week` +
    `${alerts ? `: ${alerts}` : " (every alert already met it)"}.\n` +
    yamlText(tuned)
  );
}

/**
 * The next two-significant-digit number above `value`: the search ends on the edge of what the target
 * allows, where the other engine's last bit of floating point could tip it; the step above is margin.
 */
function roundUp(value: number): number {
  if (value <= 0) return value;
  const scale = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Number(((Math.floor(value / scale + 1e-9) + 1) * scale).toPrecision(2));
}
