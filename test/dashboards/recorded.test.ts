// The dashboard over recorded series (`build --recorded`): its panels pick each target's recorded form as
// they are declared, so what they declare is what renders; and `build` builds each dashboard once, the
// alert links coming from panel titles alone.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { alerts as alertSettings } from "../../config";
import { buildAllFiles, renderDashboardFile } from "../../build/outputs";
import * as rules from "../../build/rules";
import * as akkoma from "../../dashboards/akkoma";
import { dashboardRecordings } from "../../dashboards/recorded";
import { panelsIn } from "../../dashboards/rows";
import { recordedForm } from "../../panels/panel";
import { jobScope } from "../../queries/selectors";
import { useTempFolder } from "../support/build";

const { akkomaDashboard, sections } = akkoma;
const scope = jobScope(alertSettings.job);
const declaredOf = (list: readonly akkoma.Section[]) => list.flatMap((section) => section.panels);

/** Each rendered target's PromQL by panel title and refId, and each declared one's. */
const rendered = (dashboard: Dashboard) =>
  panelsIn(dashboard.panels as Panel[]).flatMap((panel) =>
    ((panel.targets ?? []) as unknown as { refId: string; expr: string }[]).map(({ refId, expr }) => [
      panel.title,
      refId,
      expr,
    ]),
  );
const declared = (list: readonly akkoma.Section[]) =>
  declaredOf(list).flatMap((panel) => panel.targets.map(({ refId, expr }) => [panel.title, refId, expr]));

describe("the panels declared over recorded series", () => {
  const overRecorded = sections({ recordedSeriesOf: scope });

  it("render exactly the PromQL they declare, as the raw ones do", () => {
    expect(rendered(akkomaDashboard(overRecorded))).toEqual(declared(overRecorded));
    const raw = sections();
    expect(rendered(akkomaDashboard(raw))).toEqual(declared(raw));
    expect(declaredOf(raw).flatMap((panel) => panel.targets.filter((t) => t.expr !== t.query.toString()))).toEqual([]);
  });

  it("read the recorded form of each range target that has one, and of an instant one only if its form says so", () => {
    const targets = declaredOf(overRecorded).flatMap((panel) => panel.targets);
    const recorded = targets.filter((target) => target.expr !== target.query.toString());
    expect(recorded.length).toBeGreaterThanOrEqual(25);
    for (const target of targets) {
      const form = target.instant && !target.query.recorded?.instant ? undefined : target.query.recorded;
      expect(target.expr).toBe((form?.expr(scope) ?? target.query.expr).toString());
    }
    expect(targets.some((target) => target.instant && target.query.recorded && !target.query.recorded.instant)).toBe(
      true,
    );
    expect(targets.some((target) => target.instant && recordedForm(target.query, target.instant))).toBe(true);
    expect(declaredOf(overRecorded).every((panel) => panel.recordedSeriesOf === scope)).toBe(true);
  });

  it("need the same recordings as the raw declaration names", () => {
    const named = (list: readonly akkoma.Section[]) =>
      dashboardRecordings(declaredOf(list)).map(({ metric, operations, by, interval }) => ({
        metric,
        operations,
        by,
        interval,
      }));
    expect(named(overRecorded)).toEqual(named(sections()));
    expect(named(overRecorded).length).toBeGreaterThan(10);
  });

  it("open the objective's row, which starts collapsed over raw series", () => {
    const objective = (list: readonly akkoma.Section[]) =>
      list.find((section) => section.title === "Federation delivery objective")?.collapsed;
    expect([objective(sections()), objective(overRecorded)]).toEqual([true, false]);
  });

  it("render as raw sections rendered with recordedSeriesOf do (harness/cost.ts), which are declared again", () => {
    const again = akkomaDashboard(sections(), { recordedSeriesOf: scope });
    expect(JSON.stringify(again)).toBe(JSON.stringify(akkomaDashboard(sections({ recordedSeriesOf: scope }))));
  });
});

describe("dashboard builds", () => {
  let builds: jest.SpyInstance;
  beforeEach(() => {
    builds = jest.spyOn(akkoma, "akkomaDashboard");
  });
  afterEach(() => builds.mockRestore());

  it("the rule files build none: their alert links come from panel titles", async () => {
    rules.prometheusRulesFile();
    rules.recordingRulesFile();
    rules.sloRulesFile();
    rules.ruleGroups();
    await rules.grafanaRulesFile({ datasourceUid: "prometheus" });
    expect(builds).not.toHaveBeenCalled();
  });

  const folder = useTempFolder("akkoma-builds-");
  const inFolder = async (build: () => Promise<unknown>) => {
    const cwd = process.cwd();
    mkdirSync(join(folder(), "out"));
    process.chdir(folder());
    try {
      await build();
    } finally {
      process.chdir(cwd);
    }
  };

  it("a deployment's dashboard over recorded series is built once, its rules with it", async () => {
    await inFolder(() => renderDashboardFile({ recorded: true, uid: "counted", datasourceUid: "prometheus" }));
    expect(builds).toHaveBeenCalledTimes(1);
    const alerts = readFileSync(join(folder(), "out", "rendered", "counted.alerts.yml"), "utf8");
    expect(alerts).toContain("dashboard_uid: counted");
  });

  it("every committed output builds two: the import form and the plain one, which preset other variables", async () => {
    await inFolder(() => buildAllFiles());
    expect(builds).toHaveBeenCalledTimes(2);
  });
});
