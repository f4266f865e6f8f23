// The v2 resources: the same declarations as the v1 file, compiled with the SDK's dashboardv2 builders.
// Grafana 13 converts the v1 file on load (harness/conversion.ts models it); run on our v1 file, that
// conversion must give our native v2 spec field for field, but for the differences listed below, each
// with its reason. The list is the evidence that every v1 feature survives both routes.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { outputs } from "../../config";
import { plainDashboard, plainResources } from "../../build/outputs";
import { validateV2Dashboard } from "../../build/validate";
import { v2DashboardSpec } from "../../build/v2";
import { v2Versions } from "../../build/schemas/validatorNames";
import { type Section, akkomaDashboard, sections } from "../../dashboards/akkoma";
import { panelsIn } from "../../dashboards/rows";
import { panelOf } from "../../panels/common";
import { panel, target } from "../../panels/panel";
import { localUsers } from "../../queries/catalogue";
import { currentValue } from "../../queries/promql";
import { jobScope } from "../../queries/selectors";
import { titles } from "../../panels/titles";
import type { JsonObject } from "../../io/json";
import { convertToV2 } from "../../harness/conversion";
import { projectRoot } from "../support/build";

type Obj = Record<string, any>;

/** Every path (JSON pointer) where two values differ, down to the scalars; a key one side lacks differs. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothObjects = (x: unknown): x is Obj => typeof x === "object" && x !== null;
  if (bothObjects(a) && bothObjects(b) && Array.isArray(a) === Array.isArray(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) =>
      differences(a[key], b[key], `${path}/${key}`),
    );
  }
  return [path];
}

/**
 * Where our v2 file and Grafana's conversion of our v1 file part, by path (a panel's element name as `*`),
 * and why. Nothing else may differ.
 */
const listedDifferences: Record<string, string> = {
  // The converter knows no `placement` on annotations and keeps it among the legacy options, where
  // Grafana 13 does not read it; the v2 file writes v2's own field. The built-in annotation is hidden
  // (hide: true), so neither route shows it anywhere.
  "/annotations/0/spec/placement": "v2 keeps an annotation's placement in its own field",
  "/annotations/0/spec/legacyOptions/placement": "the converter leaves it among legacy options",
  // The SDK's QueryVariable writes Grafana's default, "value" (the regex applies to the value); the
  // converter leaves the field out, which Grafana reads as the same default. Our variables have no regex.
  "/variables/1/spec/regexApplyTo": "the SDK writes the default the converter leaves out (Job)",
  "/variables/2/spec/regexApplyTo": "the SDK writes the default the converter leaves out (Instance)",
};

const renderings: [string, Parameters<typeof plainResources>[0]][] = [
  ["the committed files", {}],
  ["a deployment's values", { uid: "akkoma-social", title: "Social", datasourceUid: "P18", job: "fedi" }],
  ["the recorded dashboard", { recordedSeriesOf: jobScope("akkoma") }],
];

describe.each(renderings)("%s: the v2 resource", (_, values) => {
  let v1: Obj;
  let resources: ReturnType<typeof plainResources>;
  beforeAll(async () => {
    v1 = JSON.parse(await plainDashboard(values));
    resources = plainResources(values);
  });

  it("is what Grafana 13's conversion makes of the v1 file, but for the listed differences", () => {
    const converted = convertToV2(v1 as JsonObject);
    const found = differences(converted, JSON.parse(JSON.stringify(resources.dashboardv2.spec)));
    expect(found.sort()).toEqual(Object.keys(listedDifferences).sort());
  });

  it.each(v2Versions)(
    "as %s, is valid by its published schema, named by the uid, in no folder unless given",
    (form) => {
      const resource = JSON.parse(JSON.stringify(resources[form]));
      expect(validateV2Dashboard(resource.spec, form)).toEqual([]);
      expect(resource.apiVersion).toBe(`dashboard.grafana.app/${form.replace("dashboard", "")}`);
      expect(resource.kind).toBe("Dashboard");
      expect(resource.metadata).toEqual({ name: v1.uid });
      expect(resource.spec.title).toBe(v1.title);
    },
  );

  it("reads one data source variable, no import input: every query, variable query and annotation reads it", () => {
    const spec = resources.dashboardv2.spec;
    expect(Object.keys(resources.dashboardv2)).not.toContain("__inputs");
    const variable = spec.variables.find((v: Obj) => v.kind === "DatasourceVariable").spec;
    expect({ name: variable.name, pluginId: variable.pluginId, current: variable.current.value }).toEqual({
      name: "datasource",
      pluginId: "prometheus",
      current: values?.datasourceUid ?? "default",
    });
    const queries = [
      ...Object.values(spec.elements as Obj).flatMap((e) => e.spec.data.spec.queries.map((q: Obj) => q.spec.query)),
      ...spec.variables.filter((v: Obj) => v.kind === "QueryVariable").map((v: Obj) => v.spec.query),
      ...spec.annotations.filter((a: Obj) => !a.spec.builtIn).map((a: Obj) => a.spec.query),
    ];
    expect(queries.length).toBeGreaterThan(30);
    expect(new Set(queries.map((q) => JSON.stringify([q.group, q.datasource])))).toEqual(
      new Set([JSON.stringify(["prometheus", { name: "${datasource}" }])]),
    );
  });

  // What the cost gate measures on the v1 file (harness/cost.ts) is what the v2 file asks for too.
  it("asks for exactly the v1 file's queries: expressions, min steps, instant or range, time overrides, per panel", () => {
    const ofV1 = Object.fromEntries(
      panelsIn<Obj>(v1.panels).map((p) => [
        p.title,
        {
          queries: p.targets.map((t: Obj) => [t.refId, t.expr, t.interval, Boolean(t.instant), t.legendFormat]),
          options: { timeFrom: p.timeFrom, timeShift: p.timeShift, interval: p.interval },
        },
      ]),
    );
    const ofV2 = Object.fromEntries(
      Object.values(resources.dashboardv2.spec.elements as Obj).map(({ spec }) => [
        spec.title,
        {
          queries: spec.data.spec.queries.map(({ spec: q }: Obj) => [
            q.refId,
            q.query.spec.expr,
            q.query.spec.interval,
            Boolean(q.query.spec.instant),
            q.query.spec.legendFormat,
          ]),
          options: {
            timeFrom: spec.data.spec.queryOptions.timeFrom,
            timeShift: spec.data.spec.queryOptions.timeShift,
            interval: spec.data.spec.queryOptions.interval,
          },
        },
      ]),
    );
    expect(Object.keys(ofV2).length).toBeGreaterThanOrEqual(26);
    expect(ofV2).toEqual(ofV1);
  });
});

describe("the committed v2 files", () => {
  it.each(v2Versions)(
    "out/grafana/%s holds what the code renders (run `npm run build` and commit it)",
    async (form) => {
      const folder = form.replace("dashboard", "");
      const committed = readFileSync(join(projectRoot, outputs.resourcesFolder, folder, outputs.provisionedDashboard));
      expect(JSON.parse(committed.toString())).toEqual(JSON.parse(JSON.stringify(plainResources()[form])));
    },
  );

  it("lay the sections out as rows, the objective's collapsed until opened, as in the v1 file", async () => {
    const v1 = JSON.parse(await plainDashboard());
    const rows = plainResources().dashboardv2.spec.layout.spec.rows as Obj[];
    expect(rows.map((r) => [r.kind, r.spec.title, r.spec.collapse])).toEqual(
      v1.panels.filter((p: Obj) => p.type === "row").map((r: Obj) => ["RowsLayoutRow", r.title, r.collapsed]),
    );
    expect(rows.at(-1)?.spec).toMatchObject({ title: "Federation delivery objective", collapse: true });
  });
});

describe("the v2 renderer", () => {
  const spec = (list: readonly Section[]) => v2DashboardSpec(akkomaDashboard(list), list) as Obj;

  it("leaves the objective's row out when the values turn the objective off, as the v1 file and its rules do", () => {
    const off = sections({ slo: { enabled: false } });
    const titlesOf = (s: Obj) => s.layout.spec.rows.map((r: Obj) => r.spec.title);
    expect(titlesOf(spec(off))).toEqual(["Status", "Activity", "Long-term trends"]);
    expect(Object.values(spec(off).elements).map((e: any) => e.spec.title)).not.toContain(titles.deliveryBudget);
    expect(titlesOf(spec(sections()))).toContain("Federation delivery objective");
  });

  it("renders a panel added to a section in both files, with no code of its own for v2", () => {
    const added = panel(panelOf("stat", "Users, again", 6, 4).timeFrom("1h"), [
      target(currentValue(localUsers), "users"),
    ]);
    const list = sections().map((section, i) =>
      i === 0 ? { ...section, panels: [...section.panels, added] } : section,
    );
    const v1 = JSON.parse(JSON.stringify(akkomaDashboard(list)));
    const v2 = spec(list);
    const inV1 = panelsIn<Obj>(v1.panels).find((p) => p.title === "Users, again");
    const inV2 = Object.values(v2.elements as Obj).find((e) => e.spec.title === "Users, again");
    expect(inV1).toBeDefined();
    expect(inV2?.spec.data.spec.queries[0].spec.query.spec.expr).toBe(inV1?.targets[0].expr);
    const converted = convertToV2(v1 as JsonObject);
    expect((converted.elements as Obj)[`panel-${inV1?.id}`]).toEqual(JSON.parse(JSON.stringify(inV2)));
    const [firstRow] = v2.layout.spec.rows;
    expect(firstRow.spec.layout.spec.items.map((i: Obj) => i.spec.element.name)).toContain(`panel-${inV1?.id}`);
  });

  it("refuses, by name, a v1 field it has no place for rather than drop it", () => {
    const repeated = panel(panelOf("stat", "Repeated", 6, 4).repeat("instance"), [
      target(currentValue(localUsers), "users"),
    ]);
    const list: Section[] = [{ title: "Only", panels: [repeated] }];
    expect(() => spec(list)).toThrow(/panel "Repeated".*repeat/);
    const built = { ...akkomaDashboard([]), weekStart: "monday" };
    expect(() => v2DashboardSpec(built, [])).toThrow(/dashboard.*weekStart.*build\/v2\.ts/);
  });

  it("names the panel a schema violation is in", () => {
    const resource = JSON.parse(JSON.stringify(plainResources().dashboardv2));
    const [name, element] = Object.entries(resource.spec.elements as Obj)[0]!;
    element.spec.vizConfig.kind = "Viz";
    expect(validateV2Dashboard(resource.spec, "dashboardv2")).toContainEqual(
      expect.objectContaining({ path: `/spec/elements/${name}/spec/vizConfig/kind`, panel: element.spec.title }),
    );
  });
});
