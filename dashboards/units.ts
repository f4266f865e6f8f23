import type { DynamicConfigValue, MatcherConfig, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardError } from "../errors";
import { unitOfTarget } from "../panels/common";
import type { Unit } from "../queries/units";

const byRefId = "byFrameRefID";

/** The override that matches one target's frames by refId, if the panel has one. */
const refIdOverride = (panel: Panel, refId: string) =>
  (panel.fieldConfig?.overrides ?? []).find(
    (override) => override.matcher.id === byRefId && override.matcher.options === refId,
  );

/**
 * Each panel shows every target's values in the unit its query computes: the panel's unit is the unit
 * most of its targets share (the first target's on a tie), so the fewest need an override; each
 * other target gets a unit override by refId. Runs after every target has its refId.
 */
export function unitsFromQueries(panel: Panel): Panel {
  const targets = (panel.targets ?? []) as { refId?: string }[];
  const units = targets.flatMap((target) => {
    const unit = unitOfTarget(target);
    return unit === undefined ? [] : [{ refId: target.refId as string, unit }];
  });
  if (units.length === 0) return panel;
  panel.fieldConfig ??= { defaults: {}, overrides: [] };
  if (panel.fieldConfig.defaults.unit === undefined) {
    // Where the SDK's own unit() puts it (after a panel type's `custom` block), so the file reads the same.
    const { custom, ...rest } = panel.fieldConfig.defaults;
    const unit = mostCommon(units.map((u) => u.unit));
    panel.fieldConfig.defaults = custom === undefined ? { unit, ...rest } : { custom, unit, ...rest };
  }
  for (const { refId, unit } of units) {
    const override = refIdOverride(panel, refId);
    const stated = override?.properties.find((property) => property.id === "unit");
    if (stated && stated.value !== unit) {
      throw new DashboardError(
        `panel "${panel.title}", query ${refId}`,
        `an override shows it in ${stated.value}, but its values are in ${unit}`,
        "leave units to the queries",
      );
    }
    if (stated || unit === panel.fieldConfig.defaults.unit) continue;
    const property: DynamicConfigValue = { id: "unit", value: unit };
    if (override) override.properties.push(property);
    else {
      const matcher: MatcherConfig = { id: byRefId, options: refId };
      (panel.fieldConfig.overrides ??= []).push({ matcher, properties: [property] });
    }
  }
  return panel;
}

function mostCommon(units: readonly Unit[]): Unit {
  const counts = new Map<Unit, number>();
  for (const unit of units) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  // A Map iterates in insertion order, so on a tie the first target's unit wins.
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}
