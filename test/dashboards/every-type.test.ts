// The promise of docs/architecture.md's "Adding a panel": a stat panel of a new series is its entry in the
// catalogue and one function in a row's file, and a panel of any type in the table is one function. Here a
// new metric is declared (the catalogue as queries/catalogue.ts would hold it), one panel of every type is
// added to the real dashboard's Activity row the way a row's file lists it, and every rule the real
// dashboard is held to is run on the result: nothing else had to change for it to pass.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { alerts as alertSettings } from "../../config";
import { importFileText } from "../../build/outputs";
import { layoutPicture } from "../../build/layout-picture";
import { dashboardRecordingRules } from "../../build/rules";
import { dependencies } from "../../check/dependencies";
import { type Section, akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import { panelsIn } from "../../dashboards/rows";
import type { PanelJson } from "../../harness/dashboard-json";
import { displayDashboard, displayable } from "../../harness/display";
import type { DashboardLoad } from "../../harness/results";
import { selectorsIn } from "../../harness/selectors";
import { generateHistory } from "../../harness/synthetic";
import {
  barChart,
  barGauge,
  gauge,
  heatmap,
  histogram,
  pieChart,
  stat,
  stateTimeline,
  table,
  text,
  timeseries,
} from "../../panels/common";
import { type DeclaredPanel, declaredOver, panel, target } from "../../panels/panel";
import { type PanelTypeId, panelTypes } from "../../panels/types";
import {
  type Metric,
  catalogue,
  exportedSeries,
  inboundRequests,
  jobCompletions,
  localPosts,
  localUsers,
  pendingJobs,
} from "../../queries/catalogue";
import { currentValue, durationQuantile, eventsPerMinute } from "../../queries/promql";
import { jobScope } from "../../queries/selectors";
import {
  idProblems,
  instantProblems,
  labellingProblems,
  layoutProblems,
  panelsOf,
  schemaProblems,
  selectorProblems,
  unreadMetrics,
} from "../support/dashboard-rules";
import { resultWith } from "../support/display";

// The catalogue with one new metric declared, as `gauge(...)` in queries/catalogue.ts makes it join.
jest.mock("../../queries/catalogue", () => {
  const actual = jest.requireActual<typeof import("../../queries/catalogue")>("../../queries/catalogue");
  const openReports = actual.gauge("akkoma_reports_open", {
    labels: ["state"],
    help: "Reports waiting for a moderator",
    examples: [{ labels: { state: "open" }, floor: 3, noise: 2 }],
  });
  return { ...actual, openReports, catalogue: [...actual.catalogue, openReports] };
});
const { openReports } = jest.requireMock<{ openReports: Metric<"state", "gauge"> }>("../../queries/catalogue");

/** One panel of each type in the table, each one function as a row's file declares it. */
const contributed: Record<PanelTypeId, () => DeclaredPanel> = {
  stat: () =>
    panel(stat("Open Reports", 4, 4).description("Reports no moderator has handled yet."), [
      target(currentValue(openReports), "{{state}}"),
    ]),
  timeseries: () =>
    panel(timeseries("Users Over Time", 8, 6).description("Local accounts."), [
      target(currentValue(localUsers), "Users"),
    ]),
  gauge: () =>
    panel(gauge("Posts Gauge", 4, 6).description("Local posts."), [target(currentValue(localPosts), "Posts")]),
  bargauge: () =>
    panel(barGauge("Queues as Bars", 8, 6).description("Jobs waiting, by queue."), [
      target(currentValue(pendingJobs), "{{queue_name}}"),
    ]),
  "state-timeline": () =>
    panel(stateTimeline("Users as States", 8, 6).description("Local accounts, as a timeline."), [
      target(currentValue(localUsers), "Users"),
    ]),
  piechart: () =>
    panel(pieChart("Queues as a Pie", 8, 6).description("Jobs waiting, shared between queues."), [
      target(currentValue(pendingJobs), "{{queue_name}}"),
    ]),
  table: () =>
    panel(table("Queues as a Table", 8, 6).description("Jobs waiting, a row a queue."), [
      target(currentValue(pendingJobs), "{{queue_name}}"),
    ]),
  barchart: () =>
    panel(barChart("Jobs as Bars", 8, 6).description("Jobs finished per minute."), [
      target(eventsPerMinute(jobCompletions), "Jobs"),
    ]),
  histogram: () =>
    panel(histogram("Queue Lengths Spread", 8, 6).description("How long the queues were, how often."), [
      target(currentValue(pendingJobs), "{{queue_name}}"),
    ]),
  heatmap: () =>
    panel(heatmap("Request Latency Heat", 8, 6).description("The slowest requests' duration over time."), [
      target(durationQuantile(0.99, inboundRequests), "p99"),
    ]),
  text: () => panel(text("About These Panels", 8, 3, "One of each type.").description("A note on the row."), []),
};

/** The sections with the contributed panels listed in the Activity row, as `activityPanels()` would list them. */
const withContributed = (list: readonly Section[]): Section[] =>
  list.map((section) =>
    section.title === "Activity"
      ? { ...section, panels: [...section.panels, ...Object.values(contributed).map((make) => make())] }
      : section,
  );

const contributedTitles = () => Object.values(contributed).map((make) => make().title);

describe("a panel of every type added to the real dashboard, one of them a stat of a new series", () => {
  const sectionList = withContributed(sections());
  let dashboard: Dashboard;
  beforeAll(() => {
    dashboard = akkomaDashboard(sectionList);
  });

  it("holds every type of the table, the new metric in the catalogue", () => {
    const added = panelsOf(dashboard).filter((p) => contributedTitles().includes(p.title ?? ""));
    expect(added.map((p) => p.type).sort()).toEqual(Object.keys(panelTypes).sort());
    expect(catalogue).toContain(openReports);
  });

  it("is accepted by Grafana's published schemas as the import file, the provisioning file and v2 resources", async () => {
    expect(schemaProblems(dashboard, sectionList)).toEqual([]);
    const exported = JSON.parse(await importFileText(dashboard)) as { __requires: { type: string; id: string }[] };
    const plugins = exported.__requires.filter((r) => r.type === "panel").map((r) => r.id);
    expect(plugins.sort()).toEqual(Object.keys(panelTypes).sort());
  });

  it("gives each panel its id from its title, and moves no panel's id the dashboard had", () => {
    expect(idProblems(dashboard)).toEqual([]);
    const idsOf = (built: Dashboard) => new Map(panelsOf(built).map((p) => [p.title, p.id]));
    const before = idsOf(akkomaDashboard());
    const after = idsOf(dashboard);
    expect([...before].filter(([title, id]) => after.get(title) !== id)).toEqual([]);
  });

  it("keeps the rules: a description, a unit where there are queries, job and instance, instant where one value shows", () => {
    expect(labellingProblems(dashboard)).toEqual([]);
    expect(selectorProblems(dashboard)).toEqual([]);
    expect(instantProblems(dashboard)).toEqual([]);
  });

  it("reads the new series on its stat panel, in the unit the catalogue gives it", () => {
    const shown = panelsOf(dashboard).find((p) => p.title === "Open Reports");
    expect(shown?.fieldConfig?.defaults?.unit).toBe("short");
    expect(selectorsIn((shown?.targets?.[0] as unknown as { expr: string }).expr).map((s) => s.series)).toEqual([
      "akkoma_reports_open",
    ]);
    // every catalogue metric has a panel again; without the stat, the new one would not
    expect(unreadMetrics(catalogue, sectionList)).toEqual([]);
    expect(unreadMetrics(catalogue, sections())).toEqual(["akkoma_reports_open"]);
  });

  it("tells `check` and `metrics` which panel reads the new series", () => {
    const read = dependencies(catalogue, panelReaders(sectionList));
    expect(read.filter((d) => d.metric === "akkoma_reports_open").map((d) => [d.series, d.panels])).toEqual([
      ["akkoma_reports_open", ["Open Reports"]],
    ]);
  });

  it("gets series for every query from the tests' synthetic history, the new metric's too", () => {
    const history = generateHistory({ hours: 3, outageStartsBeforeEndMs: 3_600_000, endMs: 1_700_000_000_000 });
    const recorded = new Set(history.series.map((s) => s.name));
    const read = panelsOf(dashboard).flatMap((p) =>
      (p.targets ?? []).flatMap((t) => selectorsIn((t as { expr?: string }).expr ?? "").map((s) => s.series)),
    );
    expect([...new Set(read)].filter((series) => !recorded.has(series))).toEqual([]);
    expect(exportedSeries(openReports).every((series) => recorded.has(series))).toBe(true);
  });

  it("is displayed by Grafana's own display code where the harness models the type, and left out where not", () => {
    const panels = panelsIn<PanelJson>(JSON.parse(JSON.stringify(dashboard.panels)) as PanelJson[]);
    const hour = [0, 1_800_000, 3_600_000];
    const results = panels.map((p) =>
      resultWith(
        p,
        (p.targets ?? []).map((t, i) => ({
          refId: t.refId,
          points: hour.map((time, k) => [time, 2 + i + k] as const),
        })),
      ),
    );
    const shown = displayDashboard({ panels: results } as unknown as DashboardLoad);
    const left = panels.filter((p) => !displayable(p)).map((p) => p.type);
    expect([...new Set(left)].sort()).toEqual(["heatmap", "histogram", "text"]);
    expect(shown.map((p) => p.title)).toEqual(panels.filter(displayable).map((p) => p.title));
    const empty = shown.filter(
      (p) => p.values.length === 0 && panels.find((q) => q.title === p.title)?.targets?.length,
    );
    expect(empty.map((p) => p.title)).toEqual([]);
    const stat = shown.find((p) => p.title === "Open Reports");
    expect(stat?.values.map((v) => v.text)).toEqual(["4"]);
  });

  it("is placed on the grid, no panel over another, and drawn in the layout picture", () => {
    expect(layoutProblems(dashboard)).toEqual([]);
    const picture = layoutPicture(dashboard);
    expect(contributedTitles().filter((title) => !picture.includes(title))).toEqual([]);
  });
});

describe("the same panels declared over recorded series", () => {
  const scope = jobScope(alertSettings.job);
  const sectionList = declaredOver(scope, () => withContributed(sections({ recordedSeriesOf: scope })));
  const dashboard = akkomaDashboard(sectionList);

  it("render what they declare, accepted by Grafana's schemas, with the recording rules they need", () => {
    const declared = sectionList.flatMap((s) => s.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr])));
    const rendered = panelsOf(dashboard).flatMap((p) =>
      ((p.targets ?? []) as unknown as { expr: string }[]).map((t) => [p.title, t.expr]),
    );
    expect(rendered).toEqual(declared);
    expect(schemaProblems(dashboard, sectionList)).toEqual([]);
    expect(() => dashboardRecordingRules({}, sectionList)).not.toThrow();
    const added = sectionList.flatMap((s) => s.panels).filter((p) => contributedTitles().includes(p.title));
    expect(added.filter((p) => p.targets.length > 0).every((p) => p.recordedSeriesOf === scope)).toBe(true);
  });
});
