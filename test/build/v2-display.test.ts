// What a person sees on the v2 resource's panels is what they see on the v1 file's: Grafana's own display
// code (harness/display.ts, @grafana/data) on the same made-up series gives the same values, units, colours
// and ranges, reading each file's own declarations (the v2 one through harness/v2-dashboard.ts).

import { plainDashboard } from "../../build/outputs";
import { panelsIn } from "../../dashboards/rows";
import type { PanelJson } from "../../harness/dashboard-json";
import { panelType } from "../../panels/types";
import { type MadeUpSeries, builtV2Panels, displayWith } from "../support/display";

/** Values across every threshold the dashboard draws, from none to millions. */
const levels = [0, 0.004, 0.3, 0.97, 3, 42, 120, 1_500, 86_400, 3e6];

/** Two series a target, labelled as its legend names them: one failure reason an override colours, one not. */
function madeUp(panel: PanelJson): MadeUpSeries[] {
  return (panel.targets ?? []).flatMap((target, t) =>
    ["http_401", "timeout"].map((reason, s) => {
      const names = [...(target.legendFormat ?? "").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string);
      const labels = Object.fromEntries(names.map((name) => [name, name === "reason" ? reason : `${name}-${s}`]));
      const shift = t * 2 + s;
      return {
        refId: target.refId,
        labels,
        points: levels.map((_, i) => [i * 60_000, levels[(i + shift) % levels.length] as number] as const),
      };
    }),
  );
}

describe("the v2 resource's panels, as Grafana displays them", () => {
  let v1: PanelJson[];
  let v2: Map<string | undefined, PanelJson>;
  beforeAll(async () => {
    v1 = panelsIn<PanelJson>(JSON.parse(await plainDashboard()).panels).filter(
      (p) => panelType(p.type)?.display !== undefined,
    );
    v2 = new Map(builtV2Panels().map((p) => [p.title, p]));
  });

  it("show the v1 file's values, units, colours, ranges and gauge looks for the same series", () => {
    expect(v1.length).toBeGreaterThanOrEqual(20);
    for (const panel of v1) {
      const other = v2.get(panel.title);
      const series = madeUp(panel);
      expect({ title: panel.title, shown: other && displayWith(other, series) }).toEqual({
        title: panel.title,
        shown: displayWith(panel, series),
      });
    }
  });

  // Equal displays prove little if nothing is formatted: the series reach units, colours and overrides.
  it("are read with their units, threshold colours and overrides, not as bare numbers", () => {
    const shown = v1.map((panel) => displayWith(v2.get(panel.title) as PanelJson, madeUp(panel)));
    const values = shown.flatMap((display) => display.values);
    expect(values.filter((value) => value.suffix !== "").length).toBeGreaterThan(100);
    expect(new Set(values.map((value) => value.colour)).size).toBeGreaterThanOrEqual(5);
    expect(values.some((value) => value.name.endsWith("http_401") && value.colour === "purple")).toBe(true);
  });
});
