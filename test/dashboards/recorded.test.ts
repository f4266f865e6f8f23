// The dashboard over recorded series (`build --recorded`): its panels pick each target's recorded form as
// they are declared, so what they declare is what renders; and `build` declares and builds the dashboard
// once, the alert links coming from panel titles alone.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { alerts as alertSettings, outputs } from "../../config";
import { runBuild } from "../../build/run";
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
});

describe("dashboard builds", () => {
  let builds: jest.SpyInstance;
  let declarations: jest.SpyInstance;
  beforeEach(() => {
    builds = jest.spyOn(akkoma, "akkomaDashboard");
    declarations = jest.spyOn(akkoma, "sections");
  });
  afterEach(() => {
    builds.mockRestore();
    declarations.mockRestore();
  });

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
    await inFolder(() => runBuild({ flags: { recorded: true, uid: "counted", datasourceUid: "prometheus" } }));
    expect(builds).toHaveBeenCalledTimes(1);
    expect(declarations).toHaveBeenCalledTimes(1);
    const alerts = readFileSync(join(folder(), "out", "rendered", "counted.alerts.yml"), "utf8");
    expect(alerts).toContain("dashboard_uid: counted");
  });

  it("build --recorded renders each target as the panels declare it over the recorded series", async () => {
    await inFolder(() => runBuild({ flags: { recorded: true, uid: "counted" } }));
    const written: Dashboard = JSON.parse(readFileSync(join(folder(), "out", "rendered", "counted.json"), "utf8"));
    const overRecorded = sections({ recordedSeriesOf: scope });
    expect(rendered(written)).toEqual(declared(overRecorded));
    // the recorded form differs from the raw one, so a raw rendering cannot pass for it
    expect(rendered(written)).not.toEqual(declared(sections()));
  });

  it("every committed output comes from one declaration and one dashboard", async () => {
    await inFolder(() => runBuild({ flags: {} }));
    expect(builds).toHaveBeenCalledTimes(1);
    expect(declarations).toHaveBeenCalledTimes(1);
    const written = (file: string) => readFileSync(join(folder(), file), "utf8");
    expect(written(outputs.importFile)).toBe(readFileSync(outputs.importFile, "utf8"));
    expect(written(join(outputs.provisioningFolder, outputs.provisionedDashboard))).toBe(
      readFileSync(join(outputs.provisioningFolder, outputs.provisionedDashboard), "utf8"),
    );
  });
});
