import type { DynamicConfigValue, FieldConfigSource, MatcherConfig } from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardError } from "../errors";
import type { Query } from "../queries/query";
import type { Unit } from "../queries/units";

const byRefId = "byFrameRefID";

type Override = { matcher: MatcherConfig; properties: DynamicConfigValue[] };

/** What a panel needs set so each query's values show in their unit; undefined: already so. */
export interface UnitSettings {
  readonly unit?: Unit;
  readonly overrides?: Override[];
}

/**
 * Each panel shows every target's values in the unit its query computes: the panel's unit is the unit
 * most of its targets share (the first target's on a tie), so the fewest need an override; each other
 * target gets a unit override by refId, added to the panel's own override of that query if it has one.
 * A unit the panel states itself is kept; an override stating another unit than its query's is refused.
 */
export function unitSettings(
  title: string | undefined,
  fieldConfig: FieldConfigSource | undefined,
  targets: readonly { readonly refId: string; readonly query: Query }[],
): UnitSettings {
  if (targets.length === 0) return {};
  const stated = fieldConfig?.defaults?.unit;
  const unit = stated === undefined ? mostCommon(targets.map((target) => target.query.unit)) : undefined;
  const panelUnit = stated ?? unit;
  const overrides = [...(fieldConfig?.overrides ?? [])];
  let changed = false;
  for (const { refId, query } of targets) {
    const index = overrides.findIndex((o) => o.matcher.id === byRefId && o.matcher.options === refId);
    const override = overrides[index];
    const own = override?.properties.find((property) => property.id === "unit");
    if (own && own.value !== query.unit) {
      throw new DashboardError(
        `panel "${title}", query ${refId}`,
        `an override shows it in ${own.value}, but its values are in ${query.unit}`,
        "leave units to the queries",
      );
    }
    if (own || query.unit === panelUnit) continue;
    const property: DynamicConfigValue = { id: "unit", value: query.unit };
    if (override) overrides[index] = { ...override, properties: [...override.properties, property] };
    else overrides.push({ matcher: { id: byRefId, options: refId }, properties: [property] });
    changed = true;
  }
  return { unit, overrides: changed ? overrides : undefined };
}

function mostCommon(units: readonly Unit[]): Unit {
  const counts = new Map<Unit, number>();
  for (const unit of units) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  // A Map iterates in insertion order, so on a tie the first target's unit wins.
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}
