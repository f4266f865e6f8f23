// `check --dashboard` on a Grafana v2 dashboard: the resource (v2, v2beta1, v2alpha1) in JSON or YAML, its
// bare spec, or a GrafanaManifest holding it, judged as its v1 file is; hostile files refused naming the
// file and field. The fixtures are one small dashboard written in both schemas.
import { stringify } from "yaml";
import { readDashboardFile } from "../../check/dashboard-file";
import { readV2Dashboard } from "../../check/dashboard-v2";
import { parseDashboard, readDashboard } from "../../check/foreign";
import { judge, judgementLines } from "../../check/judge";
import { telemetryReportSource } from "../../check/run";
import { readTelemetry } from "../../check/telemetry";
import type { Reader } from "../../queries/query";
import { fixtureCatalogue, runCheckInProcess, telemetryEx, variant, writeFixture } from "./fixtures";

const job = 'job="$job"';
const workers = "Pleroma.Workers.PublisherWorker";
const queries = {
  pending: { expr: `sum by (queue_name) (akkoma_job_queue_available{${job}})`, legend: "{{queue_name}}" },
  completions: { expr: `increase(oban_job_completion_count{worker=~"${workers}", ${job}}[$__rate_interval])` },
  outgoing: { expr: `rate(tesla_request_completed_count{${job}}[5m])` },
  users: { expr: `pleroma_local_users_total{${job}}` },
  restarts: "resets(vm_memory_total_pcount[5m]) > 0",
  jobs: "label_values(pleroma_local_users_total, job)",
};

/** The dashboard as a v1 file: a panel row, a collapsed row holding one, a variable and an annotation. */
const v1 = {
  title: "Small",
  templating: { list: [{ name: "job", type: "query", query: { query: queries.jobs, refId: "A" } }] },
  annotations: { list: [{ name: "Restarts", datasource: { type: "prometheus" }, expr: queries.restarts }] },
  panels: [
    { id: 1, type: "row", title: "Jobs", collapsed: false, panels: [] },
    {
      id: 2,
      type: "timeseries",
      title: "Pending Jobs",
      targets: [{ refId: "A", expr: queries.pending.expr, legendFormat: queries.pending.legend }],
    },
    { id: 3, type: "timeseries", title: "Job Completions", targets: [{ refId: "A", expr: queries.completions.expr }] },
    { id: 4, type: "text", title: "Notes" },
    {
      id: 5,
      type: "row",
      title: "Network",
      collapsed: true,
      panels: [
        {
          id: 6,
          type: "timeseries",
          title: "Outgoing Requests",
          targets: [{ refId: "A", expr: queries.outgoing.expr }],
        },
        { id: 7, type: "stat", title: "Local Users", targets: [{ refId: "A", expr: queries.users.expr }] },
      ],
    },
  ],
};

const dataQuery = (spec: Record<string, unknown>) => ({ kind: "DataQuery", group: "prometheus", version: "v0", spec });
const panel = (id: number, title: string, ...targets: { expr: string; legend?: string }[]) => ({
  kind: "Panel",
  spec: {
    id,
    title,
    links: [],
    data: {
      kind: "QueryGroup",
      spec: {
        queries: targets.map((t, i) => ({
          kind: "PanelQuery",
          spec: {
            refId: String.fromCharCode(65 + i),
            hidden: false,
            query: dataQuery({ expr: t.expr, ...(t.legend ? { legendFormat: t.legend } : {}) }),
          },
        })),
        transformations: [],
        queryOptions: {},
      },
    },
    vizConfig: { kind: "VizConfig", group: "timeseries", version: "", spec: { options: {}, fieldConfig: {} } },
  },
});
const grid = (...names: string[]) => ({
  kind: "GridLayout",
  spec: {
    items: names.map((name, i) => ({
      kind: "GridLayoutItem",
      spec: { x: 0, y: i * 8, width: 12, height: 8, element: { kind: "ElementReference", name } },
    })),
  },
});
const row = (title: string, collapse: boolean, ...names: string[]) => ({
  kind: "RowsLayoutRow",
  spec: { title, collapse, layout: grid(...names) },
});

/**
 * The same dashboard as a v2 spec: elements keyed apart from the layout's order, rows as a rows layout, the
 * annotation as Grafana's conversion writes it.
 */
const v2Spec = {
  title: "Small",
  cursorSync: "Off",
  preload: false,
  tags: [],
  links: [],
  timeSettings: {
    from: "now-6h",
    to: "now",
    autoRefresh: "",
    autoRefreshIntervals: [],
    fiscalYearStartMonth: 0,
    hideTimepicker: false,
  },
  elements: {
    "panel-7": panel(7, "Local Users", queries.users),
    "panel-2": panel(2, "Pending Jobs", queries.pending),
    "panel-3": panel(3, "Job Completions", queries.completions),
    "panel-4": {
      kind: "Panel",
      spec: {
        id: 4,
        title: "Notes",
        links: [],
        data: { kind: "QueryGroup", spec: { queries: [], transformations: [], queryOptions: {} } },
        vizConfig: { kind: "VizConfig", group: "text", version: "", spec: {} },
      },
    },
    "panel-6": panel(6, "Outgoing Requests", queries.outgoing),
  },
  layout: {
    kind: "RowsLayout",
    spec: {
      rows: [row("Jobs", false, "panel-2", "panel-3", "panel-4"), row("Network", true, "panel-6", "panel-7")],
    },
  },
  variables: [
    {
      kind: "QueryVariable",
      spec: {
        name: "job",
        query: dataQuery({ query: queries.jobs, refId: "A" }),
        definition: queries.jobs,
        current: { text: "", value: "" },
        options: [],
        hide: "dontHide",
        refresh: "onDashboardLoad",
        skipUrlSync: false,
        regex: "",
        sort: "alphabeticalAsc",
        multi: false,
        includeAll: false,
        allowCustomValue: true,
      },
    },
  ],
  annotations: [
    {
      kind: "AnnotationQuery",
      spec: {
        name: "Restarts",
        enable: true,
        hide: false,
        iconColor: "orange",
        // as Grafana converts the v1 annotation: its top-level `expr` is no key of v2's, so a legacy option
        query: dataQuery({}),
        legacyOptions: { expr: queries.restarts },
      },
    },
  ],
};

const resource = (apiVersion = "dashboard.grafana.app/v2", spec: unknown = v2Spec) => ({
  apiVersion,
  kind: "Dashboard",
  metadata: { name: "small", annotations: { "grafana.app/folder": "akkoma" } },
  spec,
});

/** v2alpha1 names the data source type in the query's `kind` rather than `group`. */
const alpha1Spec = JSON.parse(
  JSON.stringify(v2Spec).replaceAll('"kind":"DataQuery","group":"prometheus","version":"v0"', '"kind":"prometheus"'),
) as unknown;

const manifest = {
  apiVersion: "grafana.integreatly.org/v1beta1",
  kind: "GrafanaManifest",
  metadata: { name: "small" },
  spec: { instanceSelector: { matchLabels: { dashboards: "grafana" } }, template: resource() },
};

const source = (telemetry = telemetryEx) => telemetryReportSource(readTelemetry(telemetry, "telemetry.ex"));
const lines = (readers: readonly Reader[], telemetry?: string) =>
  judgementLines(judge(readers, source(telemetry), { catalogue: fixtureCatalogue }), "telemetry.ex", "small");
const withoutTags = variant("tags: [:worker],", "", variant("tags: [:queue_name]", ""));

describe("a v2 dashboard is judged as its v1 file is", () => {
  const v1Readers = readDashboardFile(v1, "small.json").readers;

  test("the v1 file's verdict names the panels by title", () => {
    expect(lines(v1Readers, withoutTags)).toEqual([
      'akkoma_job_queue_available: label "queue_name" not exported (panels: Pending Jobs)',
      'oban_job_completion_count: label "worker" not exported (panels: Job Completions)',
      "tesla_request_completed_count: not exported (panels: Outgoing Requests)",
      expect.stringMatching(/^FAIL: telemetry\.ex: 1 of \d+ series not exported, 2 label problems: 3 of 7 in small/),
    ]);
  });

  test.each([
    ["a v2 resource", resource()],
    ["a v2beta1 resource", resource("dashboard.grafana.app/v2beta1")],
    ["a v2alpha1 resource", resource("dashboard.grafana.app/v2alpha1", alpha1Spec)],
    ["a bare v2 spec", v2Spec],
    ["a GrafanaManifest holding the resource", manifest],
  ])("%s: the same readers, the same verdicts", (_, json) => {
    const readers = readV2Dashboard(json, "small.yaml").readers;
    const names = (list: readonly Reader[]) => list.map((r) => `${r.kind} ${r.name}`);
    expect(names(readers)).toEqual(names(v1Readers));
    for (const telemetry of [telemetryEx, withoutTags, variant('"pleroma.local_users.total"', '"pleroma.users"')])
      expect(lines(readers, telemetry)).toEqual(lines(v1Readers, telemetry));
  });

  test("a v1beta1 resource holds the classic JSON: read as the v1 file", () => {
    const v1Resource = { apiVersion: "dashboard.grafana.app/v1beta1", kind: "Dashboard", metadata: {}, spec: v1 };
    expect(lines(readDashboard(v1Resource, "small.yaml").readers, withoutTags)).toEqual(lines(v1Readers, withoutTags));
  });

  test("check --dashboard reads the resource as YAML or JSON: the same lines as for the v1 file", async () => {
    const telemetry = writeFixture("telemetry.ex", withoutTags);
    const check = async (name: string, text: string) => {
      const result = await runCheckInProcess([
        "check",
        "--dashboard",
        writeFixture(name, text),
        "--telemetry",
        telemetry,
      ]);
      return { ...result, out: result.out.map((line) => line.replace(/ in \S+ would/, " in FILE would")) };
    };
    const classic = await check("small.json", JSON.stringify(v1));
    expect(classic.exitCode).toBe(1);
    for (const [name, text] of [
      ["small.yaml", stringify(resource())],
      ["small-v2.json", JSON.stringify(resource())],
      ["manifest.yaml", stringify(manifest)],
    ] as const) {
      const result = await check(name, text);
      expect({ name, out: result.out, err: result.err, exitCode: result.exitCode }).toEqual({
        name,
        out: classic.out,
        err: [],
        exitCode: 1,
      });
    }
  });
});

describe("a hostile v2 file: one error naming the file and the field, exit 2", () => {
  const element = (spec: unknown) => resource("dashboard.grafana.app/v2", { ...v2Spec, elements: { p: spec } });
  test.each([
    [
      "elements a list",
      resource("dashboard.grafana.app/v2", { ...v2Spec, elements: [] }),
      "spec.elements: expected an object, found a list",
    ],
    [
      "an expr that is a number",
      element({
        ...panel(1, "P", { expr: "up" }),
        spec: {
          ...panel(1, "P", { expr: "up" }).spec,
          data: {
            kind: "QueryGroup",
            spec: { queries: [{ kind: "PanelQuery", spec: { refId: "A", query: dataQuery({ expr: 42 }) } }] },
          },
        },
      }),
      "spec.elements.p.spec.data.spec.queries[0].spec.query.spec.expr: expected a string, found a number",
    ],
    [
      "queries not a list",
      element({ kind: "Panel", spec: { title: "P", data: { spec: { queries: "up" } } } }),
      "spec.elements.p.spec.data.spec.queries: expected a list, found a string",
    ],
    [
      "a title that is an object",
      element({ kind: "Panel", spec: { title: {} } }),
      "spec.elements.p.spec.title: expected a string, found an object",
    ],
    [
      "an element of an unknown kind",
      element({ kind: "Widget", spec: {} }),
      'spec.elements.p.kind: expected "Panel" or "LibraryPanel", found a string',
    ],
    [
      "an unknown version",
      resource("dashboard.grafana.app/v3"),
      'apiVersion: "dashboard.grafana.app/v3" is not a v2 dashboard\'s (dashboard.grafana.app/v2, dashboard.grafana.app/v2beta1, dashboard.grafana.app/v2alpha1)',
    ],
    [
      "a manifest without a template",
      { ...manifest, spec: { instanceSelector: {} } },
      "spec.template: expected the dashboard resource (an object), found nothing",
    ],
    [
      "variables an object",
      resource("dashboard.grafana.app/v2", { ...v2Spec, variables: {} }),
      "spec.variables: expected a list, found an object",
    ],
  ])("%s", async (_, json, message) => {
    const path = writeFixture("hostile.json", JSON.stringify(json));
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      path,
      "--telemetry",
      writeFixture("telemetry.ex", telemetryEx),
    ]);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([
      `akkoma-dashboards: ${path}: ${message} (--dashboard reads a v1 dashboard JSON or a dashboard.grafana.app/v2 resource (JSON or YAML))`,
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("a key that is outside text is shown escaped in the field", () => {
    const json = resource("dashboard.grafana.app/v2", { ...v2Spec, elements: { "a\u001b[2Jb": 7 } });
    expect(() => readV2Dashboard(json, "x.json")).toThrow(
      'x.json: spec.elements["a\\\\x1b[2Jb"]: expected an object, found a number',
    );
  });

  test("YAML nested too deeply: said so, naming the file", () => {
    const text = `apiVersion: dashboard.grafana.app/v2\nkind: Dashboard\nspec: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
    expect(() => parseDashboard(text, "deep.yaml")).toThrow(/^deep\.yaml:3: not YAML: nested too deeply/);
  });

  test("two resources in one YAML file: one dashboard a file", () => {
    expect(() => parseDashboard(`${stringify(resource())}---\n${stringify(resource())}`, "two.yaml")).toThrow(
      "two.yaml: 2 YAML documents: one dashboard a file",
    );
  });

  test("a layout nested 20,000 deep is walked without recursion; its panel is read", () => {
    const depth = 20_000;
    const open = '{"kind":"RowsLayout","spec":{"rows":[{"kind":"RowsLayoutRow","spec":{"title":"r","layout":';
    const layout = `${open.repeat(depth)}${JSON.stringify(grid("panel-2"))}${"}}]}}".repeat(depth)}`;
    const text = JSON.stringify({ ...resource(), spec: { ...v2Spec, layout: "LAYOUT" } }).replace('"LAYOUT"', layout);
    const json: unknown = JSON.parse(text);
    expect(readV2Dashboard(json, "deep.json").readers.map((r) => r.name)[0]).toBe("Pending Jobs");
  });

  test("20,000 elements, each failing: every panel named", async () => {
    const elements = Object.fromEntries(
      // as small as an element may be: the file stays under the 16 MiB --max-size
      Array.from({ length: 20_000 }, (_, i) => [
        `p${i}`,
        {
          kind: "Panel",
          spec: {
            title: `p${i}`,
            data: { spec: { queries: [{ spec: { query: dataQuery({ expr: `gone_${i}` }) } }] } },
          },
        },
      ]),
    );
    const path = writeFixture(
      "huge.json",
      JSON.stringify(resource("dashboard.grafana.app/v2", { ...v2Spec, elements })),
    );
    const result = await runCheckInProcess([
      "check",
      "--dashboard",
      path,
      "--metrics",
      writeFixture("scrape.txt", "up 1\n"),
    ]);
    expect(result.err).toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(result.out).toHaveLength(20_003);
    expect(result.out.at(-1)).toMatch(/^FAIL: .*scrape\.txt: 20002 of 20002 series not exported: 20002 of 20002 in /);
  }, 120_000);
});
