import {
  alarmingDeliveryReasons,
  deadInstanceReasons,
  deadReasonsToggle,
  defaultScrapeJob,
  importInputs,
  importPlaceholder,
  variables as variableNames,
} from "../../config";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/grafana-foundation-sdk/dashboard";
import { importFileText } from "../../build/outputs";
import { validateDashboard } from "../../build/validate";
import { akkomaDashboard, sections } from "../../dashboards/akkoma";
import { DashboardError } from "../../errors";
import { importEnvelope } from "../../build/envelope";
import { PanelIds } from "../../dashboards/ids";
import { text, timeseries } from "../../panels/common";
import { panel as declare } from "../../panels/panel";
import { panelsIn } from "../../dashboards/rows";
import { catalogue } from "../../queries/catalogue";
import { overrideMatches, referencePanels } from "../support/panels";
import {
  idProblems,
  instantProblems,
  labellingProblems,
  layoutProblems,
  selectorProblems,
  unreadMetrics,
} from "../support/dashboard-rules";
import { projectRoot } from "../support/build";
import { selectorsIn } from "../../harness/selectors";
import { restartAnnotationName } from "../../dashboards/annotations";

type Target = { refId?: string; expr?: string; instant?: boolean; hide?: boolean; legendFormat?: string };
const declared = sections().flatMap((section) => section.panels);
const readsOf = (panel: Panel) =>
  [
    ...new Set(
      (declared.find((d) => d.title === panel.title)?.targets ?? []).flatMap((t) =>
        t.query.reads.map((r) => r.metric.name),
      ),
    ),
  ].sort();
const topLevelPanels = (dashboard: Dashboard) => (dashboard.panels ?? []) as Panel[];
const visiblePanels = (dashboard: Dashboard) => panelsIn(topLevelPanels(dashboard));
const rowsAndPanels = (dashboard: Dashboard): Panel[] => [
  ...topLevelPanels(dashboard).filter((p) => p.type === "row"),
  ...visiblePanels(dashboard),
];
const targetsOf = (panel: Panel) => (panel.targets ?? []) as Target[];

describe("the emitted dashboard", () => {
  let text: string;
  beforeAll(async () => {
    text = await importFileText();
  });

  // out/ is the snapshot: review a change with `git diff out/` after `npm run build`, then commit it.
  it("is what out/grafana_dashboard.json holds (run `npm run build`, review the diff, commit it)", () => {
    expect(readFileSync(join(projectRoot, "out", "grafana_dashboard.json"), "utf8")).toBe(text);
  });

  it("has no violations of Grafana's published schemas", () => {
    expect(validateDashboard(JSON.parse(text))).toEqual([]);
  });

  it("asks the import for the data source alone, which presets the Data source variable", () => {
    const exported = JSON.parse(text);
    expect(exported.__inputs.map((input: { name: string; type: string }) => `${input.name}:${input.type}`)).toEqual([
      `${importInputs.datasource}:datasource`,
    ]);
    // Job and Instance are discovered: the job preset where Grafana finds it, else the first job; the first instance.
    const defaults = Object.fromEntries(
      exported.templating.list
        .filter((v: { type: string }) => v.type !== "custom")
        .map((v: { name: string; current?: { value: string } }) => [v.name, v.current?.value]),
    );
    expect(defaults).toEqual({
      [variableNames.datasource]: importPlaceholder(importInputs.datasource),
      [variableNames.job]: defaultScrapeJob,
      [variableNames.instance]: undefined,
    });
    expect(exported.__requires.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(["grafana", "prometheus", "bargauge", "gauge", "state-timeline", "timeseries"]),
    );
  });
});

describe("the dashboard's header", () => {
  type Placed = { title?: string; name?: string; hide?: boolean; placement?: string };
  let exported: { links: Placed[]; annotations: { list: Placed[] } };
  beforeAll(async () => {
    exported = JSON.parse(await importFileText());
  });

  // Grafana's header keeps what has no placement; the rest goes to the controls dropdown
  // (DashboardLinksControls.tsx: `links.filter((link) => link.placement === undefined)`).
  const inHeader = (items: Placed[]) => items.filter((item) => item.placement === undefined);

  it("shows every dashboard link", () => {
    expect(exported.links.length).toBeGreaterThan(0);
    expect(inHeader(exported.links).map((link) => link.title)).toEqual(exported.links.map((link) => link.title));
  });

  it("shows the toggle of every annotation a user may switch, the restart marks among them", () => {
    const toggles = exported.annotations.list.filter((annotation) => !annotation.hide);
    expect(toggles.map((annotation) => annotation.name)).toContain(restartAnnotationName);
    expect(inHeader(toggles)).toEqual(toggles);
  });
});

describe("the Grafana the import file requires", () => {
  it("is the oldest that writes the file's schemaVersion, and an unknown schemaVersion stops the build", () => {
    const exported = importEnvelope(akkomaDashboard());
    expect([exported.schemaVersion, exported.__requires.find((r) => r.id === "grafana")?.version]).toEqual([
      42,
      "12.2.0",
    ]);
    expect(() => importEnvelope({ ...akkomaDashboard(), schemaVersion: 43 })).toThrow(DashboardError);
    expect(() => importEnvelope({ ...akkomaDashboard(), schemaVersion: 43 })).toThrow(/schemaVersion 43/);
  });
});

describe("panels", () => {
  const dashboard = akkomaDashboard();
  const panels = visiblePanels(dashboard);
  const byTitle = (title: string) => {
    const panel = panels.find((p) => p.title === title);
    if (!panel) throw new Error(`no panel titled "${title}"`);
    return panel;
  };

  it("has the three rows of the reference, in order, then the delivery objective's", () => {
    expect(
      topLevelPanels(dashboard)
        .filter((p) => p.type === "row")
        .map((p) => p.title),
    ).toEqual(["Status", "Activity", "Long-term trends", "Federation delivery objective"]);
  });

  it("leaves the delivery objective's row out when the values turn the objective off", () => {
    const rows = topLevelPanels(akkomaDashboard(sections({ slo: { enabled: false } })))
      .filter((p) => p.type === "row")
      .map((p) => p.title);
    expect(rows).toEqual(["Status", "Activity", "Long-term trends"]);
  });

  // Akkoma's reference dashboard, panel by panel: type, series read, time override (none for trends).
  it.each(referencePanels)("has the reference's %s panel reading %j over %s", (type, series, timeFrom) => {
    const matches = panels.filter(
      (p) =>
        p.type === type &&
        p.timeFrom === timeFrom &&
        series.every((name) => readsOf(p).includes(name)) &&
        readsOf(p).every((name) => series.includes(name)),
    );
    expect(matches.length).toBeGreaterThan(0);
  });

  // A panel of words (text: no queries, panels/types.ts) has no values to give a unit to.
  it("every panel has a title, a description and, where it shows queries, a unit", () => {
    expect(labellingProblems(dashboard)).toEqual([]);
  });

  it("the check above catches a panel without a description or a unit, and asks none of a text panel", () => {
    const bare = [
      declare(timeseries("Bare", 6, 4), []),
      declare(text("A note", 6, 2, "words").description("What the row shows"), []),
    ];
    expect(labellingProblems(akkomaDashboard([{ title: "Bare", panels: bare }]))).toEqual([
      "Bare: no description",
      "Bare: no unit",
    ]);
  });

  it("every series of the catalogue is read by some panel", () => {
    expect(unreadMetrics(catalogue, sections())).toEqual([]);
  });

  // A colour for "200" on a panel whose legend is the route is dead weight that misleads the reader.
  it("every override matches a series the panel's queries can produce", () => {
    const dead = panels.flatMap((panel) =>
      (panel.fieldConfig?.overrides ?? [])
        .filter((override) => !overrideMatches(override.matcher, targetsOf(panel)))
        .map((override) => `${panel.title}: ${override.matcher.id} ${JSON.stringify(override.matcher.options)}`),
    );
    expect(dead).toEqual([]);
  });

  it("the override check catches a dead override", () => {
    const legends = [{ refId: "A", legendFormat: "{{route}}" }];
    expect(overrideMatches({ id: "byName", options: "200" }, legends)).toBe(false);
    expect(overrideMatches({ id: "byName", options: "/inbox" }, legends)).toBe(true);
    expect(overrideMatches({ id: "byFrameRefID", options: "B" }, legends)).toBe(false);
  });

  it("every panel has a title and every target a unique refId", () => {
    for (const panel of panels) {
      expect(panel.title?.trim()).toBeTruthy();
      const refIds = targetsOf(panel).map((t) => t.refId);
      expect(refIds.every(Boolean)).toBe(true);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it("delivery failures and uptime look back 7 days", () => {
    expect(byTitle("Failed AP Deliveries (7 days)").timeFrom).toBe("7d");
    expect(byTitle("Uptime (7 days)").timeFrom).toBe("7d");
  });

  // Akkoma's monitoring doc wants the trends to compare weeks before and after an upgrade.
  it("trend panels follow the dashboard's time range at a coarse step, their window in the title", () => {
    const trends = panels.filter((p) => /\(\d+ h average\)$/.test(p.title ?? ""));
    expect(trends.length).toBeGreaterThan(0);
    for (const panel of trends) {
      const hours = /\((\d+) h average\)$/.exec(panel.title ?? "")?.[1];
      expect({ title: panel.title, timeFrom: panel.timeFrom, interval: panel.interval }).toEqual({
        title: panel.title,
        timeFrom: undefined,
        interval: "1h",
      });
      for (const target of targetsOf(panel)) expect(target.expr).toContain(`[${hours}h]`);
    }
  });

  it("only panels whose title names their window override the time range", () => {
    for (const panel of panels) {
      const window = /\((\d+) days\)$/.exec(panel.title ?? "")?.[1];
      expect({ title: panel.title, timeFrom: panel.timeFrom }).toEqual({
        title: panel.title,
        timeFrom: window ? `${window}d` : undefined,
      });
    }
  });

  it("panels of a type that shows one value per series read one instant value; the others read ranges", () => {
    expect(instantProblems(dashboard)).toEqual([]);
  });

  it("the uptime gauge can turn red on its 0..1 scale", () => {
    const uptime = byTitle("Uptime (7 days)");
    const { min, max, unit, thresholds } = uptime.fieldConfig?.defaults ?? {};
    expect({ min, max, unit }).toEqual({ min: 0, max: 1, unit: "percentunit" });
    const steps = thresholds?.steps ?? [];
    expect(steps[0]?.color).toBe("red");
    for (const step of steps.slice(1)) expect(step.value).toBeGreaterThan(0);
    for (const step of steps.slice(1)) expect(step.value).toBeLessThan(1);
  });

  it("no two panels overlap and all fit the 24-column grid", () => {
    expect(layoutProblems(dashboard)).toEqual([]);
  });

  it("panel ids come from titles alone, each its own", () => {
    expect(idProblems(dashboard)).toEqual([]);
  });

  it("panel ids are unique and the same on every build", () => {
    const ids = topLevelPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(topLevelPanels(akkomaDashboard()).map((p) => p.id)).toEqual(ids);
  });

  // viewPanel= links and alert links name a panel by id: inserting a panel must not move the others'.
  it("inserting a panel changes no other panel's id", () => {
    const idsByTitle = (built: Dashboard) => new Map(rowsAndPanels(built).map((p) => [p.title, p.id]));
    const before = idsByTitle(dashboard);
    const withExtra = sections().map((section, index) =>
      index === 0
        ? {
            ...section,
            panels: [
              declare(timeseries("An Inserted Panel", 6, 4).description("x").unit("short"), []),
              ...section.panels,
            ],
          }
        : section,
    );
    const after = idsByTitle(akkomaDashboard(withExtra));
    expect(after.size).toBe(before.size + 1);
    for (const [title, id] of before) expect({ title, id: after.get(title) }).toEqual({ title, id });
  });

  it("two panels whose ids collide fail the build, naming both", () => {
    const ids = new PanelIds();
    const first = ids.of("a");
    const clash = Array.from({ length: 100_000 }, (_, i) => `b${i}`).find((key) => new PanelIds().of(key) === first);
    expect(() => ids.of(clash as string)).toThrow(`panel "${clash}": its id ${first} is already the id of "a"`);
  });

  it("__requires names the oldest Grafana that writes the file's schemaVersion", () => {
    const exported = importEnvelope(dashboard);
    // Grafana 12.2 first exported schemaVersion 42; 11.6 to 12.1 export 41.
    const oldest: Record<number, string> = { 41: "11.6.0", 42: "12.2.0" };
    expect(exported.__requires.find((r) => r.id === "grafana")?.version).toBe(oldest[exported.schemaVersion ?? 0]);
  });
});

describe("selectors", () => {
  const targets = visiblePanels(akkomaDashboard()).flatMap((panel) =>
    targetsOf(panel).map((target) => ({ panel: panel.title, expr: target.expr ?? "" })),
  );

  it("every selector in every query reads one scrape job and one instance", () => {
    expect(selectorProblems(akkomaDashboard())).toEqual([]);
  });

  it("the check above catches a selector without the matchers", () => {
    const [bare, jobOnly] = [selectorsIn("rate(vm_memory_total_psum[5m])"), selectorsIn('up{job="${job}"}')];
    expect(bare).toEqual([{ series: "vm_memory_total_psum", matchers: "" }]);
    expect(jobOnly[0]?.matchers).not.toMatch(/instance=/);
  });

  it("federation and other job panels split workers with escaped regexes", () => {
    const federation = targets.find((t) => t.panel === "Receive, Fetch, Publish Jobs per Minute")?.expr ?? "";
    expect(federation).toContain('worker=~"Pleroma\\\\.Workers\\\\.ReceiverWorker|');
    const others = targets.find((t) => t.panel === "Job Completions per Minute")?.expr ?? "";
    expect(others).toContain('worker!~"Pleroma\\\\.Workers\\\\.ReceiverWorker|');
  });
});

describe("the dead-instance reasons toggle", () => {
  const exported = akkomaDashboard();
  const toggle = (exported.templating?.list ?? []).find((v) => v.name === deadReasonsToggle.name);

  it("shows every reason by default, with a regex that matches no reason at all, empty or not", () => {
    expect(toggle?.current?.value).toBe(deadReasonsToggle.showAll.regex);
    const fullMatch = new RegExp(`^(?:${deadReasonsToggle.showAll.regex})$`);
    for (const reason of ["", "x", "http_401", ...deadInstanceReasons]) expect(fullMatch.test(reason)).toBe(false);
  });

  it("hides exactly the dead-instance reasons, never a 401", () => {
    const hidden = new RegExp(`^(?:${deadReasonsToggle.hideDead.regex})$`);
    for (const reason of deadInstanceReasons) expect(hidden.test(reason)).toBe(true);
    for (const reason of [...alarmingDeliveryReasons, "crash", "cause_unknown", ""])
      expect(hidden.test(reason)).toBe(false);
  });

  it("is read by the failed deliveries query", () => {
    const panel = visiblePanels(exported).find((p) => p.type === "bargauge");
    expect(targetsOf(panel as Panel)[0]?.expr).toContain(`reason!~"\${${deadReasonsToggle.name}}"`);
  });
});

describe("bad panels are named", () => {
  it("a panel without a title", () => {
    const untitled = { title: "Broken", panels: [declare(timeseries("  ", 6, 4).description("x"), [])] };
    expect(() => akkomaDashboard([untitled])).toThrow(new DashboardError('section "Broken"', "a panel has no title"));
  });

  it("two panels with the same title", () => {
    const twice = {
      title: "Twice",
      panels: [declare(timeseries("Up", 6, 4), []), declare(timeseries("Up", 6, 4), [])],
    };
    expect(() => akkomaDashboard([twice])).toThrow(/panel "Up": the title is used twice/);
  });
});
