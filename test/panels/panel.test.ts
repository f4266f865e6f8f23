// A panel declares its queries: refIds, instant or range, and the SDK-example way of adding targets.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { processContext } from "../../cli/check";
import { type Section, akkomaDashboard } from "../../dashboards/akkoma";
import { DashboardError } from "../../errors";
import { gauge, timeseries } from "../../panels/common";
import { panel, target } from "../../panels/panel";
import { currentValue, eventsPerMinute } from "../../queries/promql";
import { jobCompletions, jobExceptions, localPosts, localUsers } from "../../queries/catalogue";

type TargetJson = { refId?: string; instant?: boolean; range?: boolean; legendFormat?: string };
const builtTargets = (declared: ReturnType<typeof panel>) => (declared.builder.build().targets ?? []) as TargetJson[];

describe("a panel's targets", () => {
  it("are values: refId, query, legend, with the legend's labels among what the query reads", () => {
    const declared = panel(timeseries("Jobs", 6, 4), [
      target(eventsPerMinute(jobCompletions, { by: ["worker"] }), "{{worker}}"),
    ]);
    expect(declared.title).toBe("Jobs");
    expect(declared.targets.map((t) => [t.refId, t.legend, t.query.unit])).toEqual([["A", "{{worker}}", "cpm"]]);
    expect(declared.targets[0]?.query.reads.map((read) => read.labels)).toEqual([["worker"]]);
  });

  it("get the next free letter as refId, skipping the ones the panel names itself", () => {
    const declared = panel(timeseries("Lettered", 6, 4), [
      target(currentValue(localUsers), "first"),
      target("B", currentValue(localPosts), "named B"),
      target(currentValue(localPosts), "third"),
    ]);
    expect(declared.targets.map((t) => t.refId)).toEqual(["A", "B", "C"]);
    expect(builtTargets(declared).map((t) => [t.refId, t.legendFormat])).toEqual([
      ["A", "first"],
      ["B", "named B"],
      ["C", "third"],
    ]);
  });

  it("refuse more unnamed queries than letters, naming the panel", () => {
    const many = Array.from({ length: 27 }, (_, i) => target(currentValue(localUsers), `${i}`));
    expect(() => panel(timeseries("Crowded", 6, 4), many)).toThrow(
      new DashboardError('panel "Crowded"', "27 queries without a refId, more than the letters A to Z left"),
    );
  });

  it("refuse one refId twice, naming the panel", () => {
    expect(() =>
      panel(timeseries("Twice", 6, 4), [
        target("x", currentValue(localUsers), "a"),
        target("x", currentValue(localPosts), "b"),
      ]),
    ).toThrow(new DashboardError('panel "Twice"', 'two queries have the refId "x"'));
  });

  it("are read once at the end of the range on single-value panels, over the range elsewhere", () => {
    const [onGauge] = builtTargets(panel(gauge("Gauge", 4, 4), [target(currentValue(localUsers), "users")]));
    const [onGraph] = builtTargets(panel(timeseries("Graph", 4, 4), [target(currentValue(localUsers), "users")]));
    expect([onGauge?.instant, onGauge?.range, onGraph?.instant, onGraph?.range]).toEqual([true, false, false, true]);
    const ranged = panel(gauge("Ranged", 4, 4), [{ ...target(currentValue(localUsers), "users"), instant: false }]);
    expect(builtTargets(ranged)[0]?.range).toBe(true);
  });
});

describe("a panel written the way the SDK's examples write one", () => {
  const sdkTarget = () => new prometheus.DataqueryBuilder().expr("up").legendFormat("up");

  it("with withTarget, is refused by panel(), which says what to do", () => {
    expect(() => panel(timeseries("By Hand", 6, 4).withTarget(sdkTarget()), [])).toThrow(
      new DashboardError(
        'panel "By Hand"',
        "its targets were added to the SDK builder (withTarget), so their series and units are unknown",
        "declare them as panel(builder, [target(query, legend), ...]) with queries from queries/",
      ),
    );
  });

  it("put in a section as a bare builder, fails the dashboard naming the panel", () => {
    const bare = new dashboard.PanelBuilder().title("Bare").withTarget(sdkTarget());
    const section = { title: "Broken", panels: [bare] } as unknown as Section;
    expect(() => akkomaDashboard([section])).toThrow(
      /^panel "Bare": is an SDK builder, not a declared panel.*declare it as panel\(builder, \[target\(query, legend\)/,
    );
  });

  it("without withTarget, works: panel() gives it its queries and their unit", () => {
    const declared = panel(timeseries("Example", 6, 4).description("x"), [
      target(eventsPerMinute(jobExceptions), "exceptions"),
    ]);
    const [built] = (akkomaDashboard([{ title: "Example", panels: [declared] }]).panels ?? []).slice(
      1,
    ) as dashboard.Panel[];
    expect([built?.title, built?.fieldConfig?.defaults?.unit, (built?.targets as TargetJson[])[0]?.refId]).toEqual([
      "Example",
      "cpm",
      "A",
    ]);
  });
});

describe("check and metrics", () => {
  it("read the panels' queries without rendering the dashboard", () => {
    const rendered = jest.spyOn(dashboard.DashboardBuilder.prototype, "build");
    try {
      const panels = processContext.readers().filter((reader) => reader.kind === "panel");
      expect(panels.length).toBeGreaterThan(10);
      expect(panels.filter((reader) => reader.reads.length === 0).map((reader) => reader.name)).toEqual([]);
      expect(rendered).not.toHaveBeenCalled();
    } finally {
      rendered.mockRestore();
    }
  });
});
