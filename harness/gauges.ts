// The options a gauge or bar gauge is drawn with on each way Grafana loads a dashboard, modelled from
// Grafana's source: a plugin's migration handler rewrites saved options on load, before its defaults fill
// in what the JSON leaves out. Which handler runs, and what it sees, depends on the Grafana version and on
// whether the file came in as v1 or through the v2 conversion (conversion.ts).
import type { JsonObject } from "../io/json";
import { convertToV2 } from "./conversion";
import type { FieldConfigJson, PanelOptionsJson } from "./dashboard-json";

export type LoadPath = "Grafana 12" | "Grafana 13, v1" | "Grafana 13, v2";
export const loadPaths: readonly LoadPath[] = ["Grafana 12", "Grafana 13, v1", "Grafana 13, v2"];

/** The saved panel, as far as the migrations read it. */
export interface SavedPanel {
  readonly type: string;
  readonly pluginVersion?: string;
  readonly options?: PanelOptionsJson;
  readonly fieldConfig?: FieldConfigJson;
}

/** What a person sees of a gauge's settings on one load path. */
export interface GaugeLook {
  /** The plugin version the loaded panel says it was saved with (v2 keeps it as `vizConfig.version`). */
  readonly pluginVersion: string | undefined;
  /** The options after the migration and the plugin's defaults. */
  readonly options: PanelOptionsJson;
  /** The outer ring of threshold colours around a gauge's arc (a bar gauge has none). */
  readonly thresholdRing: boolean;
}

/** Grafana 13's gauge/panelcfg.gen.ts `defaultOptions`, and module.tsx's default for `effects`. */
const gauge13Defaults: PanelOptionsJson = {
  barShape: "flat",
  barWidthFactor: 0.5,
  endpointMarker: "point",
  minVizHeight: 75,
  minVizWidth: 75,
  segmentCount: 1,
  segmentSpacing: 0.3,
  shape: "gauge",
  showThresholdLabels: false,
  showThresholdMarkers: true,
  sizing: "auto",
  sparkline: true,
  textMode: "auto",
};
const gauge13Effects = { barGlow: false, centerGlow: false, gradient: true };

/** The standard colour option's default (thresholds), which a gauge's JSON may leave out. */
const colourMode = (panel: SavedPanel) =>
  (panel.fieldConfig?.defaults?.color as { mode?: string } | undefined)?.mode ?? "thresholds";

export function gaugeLook(path: LoadPath, panel: SavedPanel): GaugeLook {
  const saved = { ...(panel.options ?? {}) };
  if (panel.type !== "gauge") {
    // The bar gauge's migration (bargauge/BarGaugeMigrations.ts: the shared single-stat one) rewrites only
    // old option formats, on every path; it has no ring.
    return { pluginVersion: panel.pluginVersion, options: saved, thresholdRing: false };
  }
  if (path === "Grafana 12") {
    // The old gauge (gauge/v1/module.tsx) has no version-gated migration; @grafana/ui's Gauge.tsx
    // (getFormattedThresholds) colours the ring by the thresholds only in the thresholds colour mode.
    const options = { showThresholdMarkers: true, showThresholdLabels: false, ...saved };
    return {
      pluginVersion: panel.pluginVersion,
      options,
      thresholdRing: options.showThresholdMarkers === true && colourMode(panel) === "thresholds",
    };
  }
  // layoutSerializers/utils.ts (buildVizPanel) loads a v2 panel with `pluginVersion: vizConfig.version`.
  const pluginVersion = path === "Grafana 13, v2" ? versionThroughV2(panel) : panel.pluginVersion;
  const migrated = migrateGauge13({ ...panel, pluginVersion, options: saved });
  const options: PanelOptionsJson = {
    ...gauge13Defaults,
    ...migrated,
    effects: { ...gauge13Effects, ...((migrated.effects as object | undefined) ?? {}) },
  };
  return { pluginVersion, options, thresholdRing: options.showThresholdMarkers === true };
}

/** The version a v1 panel has after the v2 conversion: "" where it had none. */
function versionThroughV2(panel: SavedPanel): string {
  const v2 = convertToV2({ panels: [{ ...panel, id: 1 }] } as unknown as JsonObject);
  const element = (v2.elements as JsonObject)["panel-1"] as { spec: { vizConfig: { version: string } } };
  return element.spec.vizConfig.version;
}

/**
 * Grafana 13's gauge migration (gauge/migrations.ts, `gaugePanelMigrationHandler`). @grafana/scenes'
 * VizPanel calls it when the saved version differs from Grafana's or `shouldMigrateGauge` says so; it
 * changes anything only where `shouldMigrateGauge` holds. Reads `fieldConfig` as saved, before defaults.
 */
export function migrateGauge13(panel: SavedPanel): PanelOptionsJson {
  const options: PanelOptionsJson = { ...(panel.options ?? {}) };
  if (!shouldMigrateGauge(panel)) return options;
  const savedMode = (panel.fieldConfig?.defaults?.color as { mode?: string } | undefined)?.mode;
  if (options.showThresholdMarkers && savedMode !== "thresholds") options.showThresholdMarkers = false;
  options.sparkline = false;
  options.effects = { gradient: false };
  if (typeof options.displayName === "string" && options.displayName !== "") options.textMode = "value_and_name";
  delete options.sizing;
  delete options.minVizHeight;
  delete options.minVizWidth;
  return options;
}

/** `shouldMigrateGauge`: no new-gauge `shape`, and a version below 13, a missing one read as 8 (NaN is not below). */
export const shouldMigrateGauge = (panel: SavedPanel): boolean =>
  !panel.options?.shape && parseFloat(panel.pluginVersion ?? "8") < 13;
