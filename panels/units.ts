import type { DynamicConfigValue } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardError } from "../errors";
import type { Unit } from "../queries/units";
import type { PanelBuilder, Target } from "./panel";

const byRefId = "byFrameRefID";

/**
 * Each panel shows every target's values in the unit its query computes: the panel's unit is the unit
 * most of its targets share (the first target's on a tie), so the fewest need an override; each other
 * target gets a unit override by refId, added to the panel's own override of that query if it has one.
 */
export function setUnits(builder: PanelBuilder, targets: readonly Target[]): void {
  if (targets.length === 0) return;
  const { title, fieldConfig } = builder.build();
  if (fieldConfig?.defaults?.unit === undefined) {
    builder.unit(mostCommon(targets.map((target) => target.query.unit)));
    unitFirst(builder);
  }
  const panelUnit = builder.build().fieldConfig?.defaults?.unit;
  const overrides = [...(fieldConfig?.overrides ?? [])];
  for (const { refId, query } of targets) {
    const index = overrides.findIndex((o) => o.matcher.id === byRefId && o.matcher.options === refId);
    const override = overrides[index];
    const stated = override?.properties.find((property) => property.id === "unit");
    if (stated && stated.value !== query.unit) {
      throw new DashboardError(
        `panel "${title}", query ${refId}`,
        `an override shows it in ${stated.value}, but its values are in ${query.unit}`,
        "leave units to the queries",
      );
    }
    if (stated || query.unit === panelUnit) continue;
    const property: DynamicConfigValue = { id: "unit", value: query.unit };
    if (override) overrides[index] = { ...override, properties: [...override.properties, property] };
    else overrides.push({ matcher: { id: byRefId, options: refId }, properties: [property] });
  }
  if (overrides.some((override, index) => override !== fieldConfig?.overrides?.[index])) builder.overrides(overrides);
}

/**
 * The unit first among the field defaults (after a panel type's `custom` block), where the SDK's unit()
 * puts it when a panel sets it before anything else: the file reads the same as a hand-set unit. Only
 * the order of keys changes, through the state the SDK's build() hands out.
 */
function unitFirst(builder: PanelBuilder): void {
  const defaults = builder.build().fieldConfig?.defaults;
  if (!defaults) return;
  const { custom, unit, ...rest } = defaults;
  for (const key of Object.keys(defaults)) delete defaults[key as keyof typeof defaults];
  Object.assign(defaults, custom === undefined ? { unit, ...rest } : { custom, unit, ...rest });
}

function mostCommon(units: readonly Unit[]): Unit {
  const counts = new Map<Unit, number>();
  for (const unit of units) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  // A Map iterates in insertion order, so on a tie the first target's unit wins.
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}
