// The import file through both of Grafana's import flows, as harness/import.ts models them from Grafana's
// source: the form accepts its defaults, no `${INPUT}` survives, and every answer reaches its variable.

import { importInputs } from "../../config";
import { importFileText } from "../../build/outputs";
import { type ImportAnswers, type ImportInput, importDashboard, importFlows } from "../../harness/import";

type Variable = { name: string; type: string; query?: string; current?: { text?: string; value?: string } };
type Imported = { __inputs?: unknown; templating: { list: Variable[] } };

const pickedUid = "akkoma-prometheus";
const placeholder = (input: ImportInput) => `\${${input.name}}`;
/** What an admin who changes nothing but the data source submits. */
const onlyDatasources = (inputs: readonly ImportInput[]): ImportAnswers =>
  Object.fromEntries(inputs.filter((i) => i.type === "datasource").map((i) => [i.name, pickedUid]));
/** What an admin who fills every field submits: a data source, and a value of their own in each constant. */
const everyField = (inputs: readonly ImportInput[]): ImportAnswers =>
  Object.fromEntries(inputs.map((i) => [i.name, i.type === "datasource" ? pickedUid : `answer-to-${i.name}`]));
const withoutInputs = ({ __inputs: _, ...rest }: Imported) => JSON.stringify(rest);

describe.each(importFlows)("the import file, imported on Grafana's %s", (flow) => {
  let text: string;
  let inputs: ImportInput[];
  beforeAll(async () => {
    text = await importFileText();
    inputs = JSON.parse(text).__inputs;
  });

  it("is accepted with the data source picked and every other field as proposed", () => {
    expect(() => importDashboard(text, flow, onlyDatasources(inputs))).not.toThrow();
  });

  it("asks for the data source, as the one required field without a default", () => {
    expect(inputs.map((i) => i.name)).toEqual([importInputs.datasource]);
    expect(() => importDashboard(text, flow, {})).toThrow(`${importInputs.datasource}: A data source is required`);
  });

  it("leaves no input's placeholder anywhere", () => {
    const imported = withoutInputs(importDashboard(text, flow, everyField(inputs)) as Imported);
    expect(inputs.map(placeholder).filter((p) => imported.includes(p))).toEqual([]);
  });

  it("presets every variable that held an input's placeholder with the answer", () => {
    const answers = everyField(inputs);
    const before = (JSON.parse(text) as Imported).templating.list;
    const after = (importDashboard(text, flow, answers) as Imported).templating.list;
    const expected = inputs.flatMap((input) =>
      before
        .filter((v) => JSON.stringify(v).includes(placeholder(input)))
        .map((v) => ({ variable: v.name, value: answers[input.name] })),
    );
    expect(expected.length).toBeGreaterThanOrEqual(inputs.length);
    const got = expected.map(({ variable }) => ({
      variable,
      value: after.find((v) => v.name === variable)?.current?.value,
    }));
    expect(got).toEqual(expected);
  });
});

describe("Grafana's import flows", () => {
  const datasourceRef = { type: "prometheus", uid: "${DS}" };
  const exported = JSON.stringify({
    __inputs: [
      { name: "DS", type: "datasource", pluginId: "prometheus" },
      { name: "JOB", label: "Scrape job", type: "constant", value: "akkoma" },
      { name: "EXPR", type: "datasource", pluginId: "__expr__" },
    ],
    annotations: { list: [{ name: "restarts", datasource: datasourceRef }] },
    panels: [
      {
        type: "row",
        panels: [{ type: "stat", datasource: datasourceRef, targets: [{ expr: 'up{job="${JOB}",i="${i}"}' }] }],
      },
    ],
    templating: {
      list: [
        { name: "ds", type: "datasource", query: "prometheus", current: { text: "${DS}", value: "${DS}" } },
        { name: "job", type: "constant", query: "${JOB}" },
        { name: "i", type: "query", datasource: datasourceRef, current: { text: "${JOB}", value: "${JOB}" } },
      ],
    },
  });
  const picked = { type: "prometheus", uid: "prom" };

  it("on the Import page, fills data source references and constant variables, and nothing else", () => {
    const imported = importDashboard(exported, "import page", { DS: "prom", JOB: "akkoma-prod" }) as Record<
      string,
      any
    >;
    expect(imported.annotations.list[0].datasource).toEqual(picked);
    expect(imported.panels[0].panels[0].datasource).toEqual(picked);
    expect(imported.panels[0].panels[0].targets[0].expr).toBe('up{job="${JOB}",i="${i}"}');
    const [ds, job, instance] = imported.templating.list;
    expect(ds.current).toEqual({ text: "prom", value: "prom" });
    expect(job).toMatchObject({ query: "akkoma-prod", current: { value: "akkoma-prod" } });
    expect(instance).toMatchObject({ datasource: picked, current: { value: "${JOB}" } });
  });

  it("through the import API, replaces every input's placeholder and no dashboard variable", () => {
    const imported = importDashboard(exported, "import API", { DS: "prom", JOB: "akkoma-prod" }) as Record<string, any>;
    expect(imported.__inputs).toBeUndefined();
    expect(imported.panels[0].panels[0].targets[0].expr).toBe('up{job="akkoma-prod",i="${i}"}');
    expect(imported.templating.list.map((v: Variable) => v.current?.value ?? v.query)).toEqual([
      "prom",
      "akkoma-prod",
      "akkoma-prod",
    ]);
  });

  it.each(importFlows)("on the %s, refuses an empty constant and keeps a proposed one", (flow) => {
    expect(() => importDashboard(exported, flow, { DS: "prom", JOB: "" })).toThrow("JOB: Scrape job needs a value");
    const kept = importDashboard(exported, flow, { DS: "prom" }) as { templating: { list: Variable[] } };
    expect(kept.templating.list[1]?.query).toBe("akkoma");
  });
});
