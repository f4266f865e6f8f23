// One judge, one verdict: our dashboard judged from what its typed queries recorded, and the same
// dashboard read back with the PromQL grammar from its built v1 file and from its v2 resources, say the
// same lines against the same source, whatever is missing from it.
import { readDashboardFile } from "../../check/dashboard-file";
import { type Exported, type ExportedLabels, type Source, judge, judgementLines } from "../../check/judge";
import { readV2Dashboard } from "../../check/dashboard-v2";
import { importFileText, plainResources } from "../../build/outputs";
import { sections } from "../../dashboards/akkoma";
import { annotationReaders } from "../../dashboards/annotations";
import { panelReaders } from "../../dashboards/reads";
import { variableReaders } from "../../dashboards/variables";
import { catalogue, exportedSeries } from "../../queries/catalogue";
import type { Reader } from "../../queries/query";

/** Every series the catalogue says Akkoma exports, with every label it declares. */
function everything(): Map<string, ExportedLabels> {
  return new Map(
    catalogue
      .filter((metric) => metric.source === "akkoma")
      .flatMap((metric) =>
        exportedSeries(metric).map((series): [string, ExportedLabels] => [
          series,
          { labels: new Set([...metric.labels, ...(series.endsWith("_bucket") ? ["le"] : [])]) },
        ]),
      ),
  );
}

const source = (exported: Exported, scrape: boolean): Source => ({ shown: "src", exported, scrape, notes: [] });

let ours: readonly Reader[];
let theirs: readonly Reader[];
let resources: (readonly Reader[])[];
beforeAll(async () => {
  ours = [...panelReaders(sections()), ...annotationReaders(), ...variableReaders()];
  theirs = readDashboardFile(JSON.parse(await importFileText()), "grafana_dashboard.json").readers;
  resources = Object.entries(plainResources()).map(
    ([version, resource]) => readV2Dashboard(JSON.parse(JSON.stringify(resource)), `${version}.json`).readers,
  );
});

/** The lines of each reading: typed, then v1 file, then each v2 resource. */
const verdicts = (from: Source) =>
  [ours, theirs, ...resources].map((readers) =>
    judgementLines(judge(readers, from, { catalogue }), from.shown, "the dashboard"),
  );

test("every reading reads the same panels, annotation and variables", () => {
  const names = (readers: readonly Reader[]) => readers.map((r) => `${r.kind} ${r.name}`).sort();
  expect(resources).toHaveLength(2);
  for (const parsed of [theirs, ...resources]) expect(names(parsed)).toEqual(names(ours));
});

test("everything exported: the same ok line", () => {
  const [typed, ...parsed] = verdicts(source(everything(), false));
  expect(typed).toEqual([expect.stringMatching(/^ok: src exports all \d+ series the dashboard reads/)]);
  for (const lines of parsed) expect(lines).toEqual(typed);
});

describe.each([
  ["telemetry.ex", false],
  ["a scrape", true],
])("against %s", (_, scrape) => {
  test.each(catalogue.filter((m) => m.source === "akkoma").flatMap((m) => exportedSeries(m)))(
    "without %s: the same lines",
    (series) => {
      const exported = everything();
      exported.delete(series);
      const [typed, ...parsed] = verdicts(source(exported, scrape));
      for (const lines of parsed) expect(lines).toEqual(typed);
    },
  );

  test.each(
    catalogue
      .filter((m) => m.source === "akkoma")
      .flatMap((m) =>
        exportedSeries(m).flatMap((series) => m.labels.map((label): [string, string] => [series, label])),
      ),
  )("%s without label %s: the same lines", (series, label) => {
    const exported = everything();
    const labels = new Set(exported.get(series)?.labels);
    labels.delete(label);
    exported.set(series, { labels });
    const [typed, ...parsed] = verdicts(source(exported, scrape));
    expect(typed?.at(-1)).toMatch(/^(FAIL|ok): /);
    for (const lines of parsed) expect(lines).toEqual(typed);
  });
});
