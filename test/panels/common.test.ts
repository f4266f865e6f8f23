// Gauges and bar gauges look the same however Grafana loads the file: Grafana 12, Grafana 13 reading the
// v1 JSON, Grafana 13 after its v2 conversion. harness/gauges.ts models the gauge migration each runs.
import { importInputs } from "../../config";
import { importFileText, plainDashboard } from "../../build/outputs";
import { panelsIn } from "../../dashboards/rows";
import type { PanelJson } from "../../harness/dashboard-json";
import { type SavedPanel, gaugeLook, loadPaths, migrateGauge13 } from "../../harness/gauges";
import { importDashboard } from "../../harness/import";
import { singleValuePluginVersion } from "../../panels/types";
import { displayWith } from "../support/display";

const files: [string, () => Promise<{ panels: PanelJson[] }>][] = [
  [
    "the import file, once imported",
    async () =>
      importDashboard(await importFileText(), "import page", { [importInputs.datasource]: "prom" }) as unknown as {
        panels: PanelJson[];
      },
  ],
  ["the provisioning file", async () => JSON.parse(await plainDashboard())],
];

describe.each(files)("%s: gauges and bar gauges", (_, load) => {
  let panels: PanelJson[];
  beforeAll(async () => {
    panels = panelsIn((await load()).panels).filter((p) => p.type === "gauge" || p.type === "bargauge");
  });

  it("carry the plugin version, so Grafana 13's gauge migration changes nothing on either path", () => {
    expect(panels.length).toBeGreaterThanOrEqual(4);
    for (const panel of panels) {
      expect({ title: panel.title, version: panel.pluginVersion }).toEqual({
        title: panel.title,
        version: singleValuePluginVersion,
      });
      expect({ title: panel.title, options: migrateGauge13(panel) }).toEqual({
        title: panel.title,
        options: panel.options,
      });
    }
  });

  it("draw each gauge's threshold ring on every load path, with the same options on both of Grafana 13's", () => {
    for (const panel of panels.filter((p) => p.type === "gauge")) {
      const { looks } = displayWith(panel, []);
      const rings = Object.fromEntries(loadPaths.map((path) => [path, looks?.[path].thresholdRing]));
      expect({ title: panel.title, rings }).toEqual({
        title: panel.title,
        rings: Object.fromEntries(loadPaths.map((path) => [path, true])),
      });
      expect(looks?.["Grafana 13, v2"]).toEqual(looks?.["Grafana 13, v1"]);
    }
  });
});

describe("Grafana's gauge migration, as the harness models it", () => {
  const gauge = (extra: Partial<SavedPanel>): SavedPanel => ({
    type: "gauge",
    options: { showThresholdMarkers: true, sizing: "auto", minVizWidth: 75, minVizHeight: 75 },
    fieldConfig: { defaults: {} },
    ...extra,
  });
  const rings = (panel: SavedPanel) => loadPaths.map((path) => [path, gaugeLook(path, panel).thresholdRing]);

  it("without a version: Grafana 13 drops the ring reading v1, keeps it after the v2 conversion", () => {
    expect(rings(gauge({}))).toEqual([
      ["Grafana 12", true],
      ["Grafana 13, v1", false],
      ["Grafana 13, v2", true],
    ]);
    expect(gaugeLook("Grafana 13, v2", gauge({})).pluginVersion).toBe("");
  });

  it("saved by Grafana 12 in the thresholds colour mode: Grafana 13 keeps the ring, turns sparkline and gradient off", () => {
    const saved = gauge({ pluginVersion: "12.2.0", fieldConfig: { defaults: { color: { mode: "thresholds" } } } });
    expect(rings(saved).every(([, ring]) => ring)).toBe(true);
    expect(gaugeLook("Grafana 13, v1", saved).options).toMatchObject({
      sparkline: false,
      effects: { gradient: false },
    });
    expect(gaugeLook("Grafana 13, v2", saved)).toEqual(gaugeLook("Grafana 13, v1", saved));
  });

  it("from version 13 on, or with the new gauge's shape, leaves the options alone", () => {
    for (const panel of [gauge({ pluginVersion: "13.0.0" }), gauge({ options: { shape: "circle" } })]) {
      expect(migrateGauge13(panel)).toEqual(panel.options);
    }
  });
});
