// Our dashboard and alerts record what they read as they are built; `check --dashboard/--rules` reads any
// file by parsing its PromQL. On our own outputs the two must agree, series for series and label for label.
import { readDashboardFile } from "../../check/dashboard-file";
import { readRulesFile } from "../../check/rules-file";
import { alertReaders } from "../../alerts/reads";
import { importFileText } from "../../build/outputs";
import { prometheusRulesFile, sloRulesFile } from "../../build/rules";
import { sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import { catalogue, exportedSeries } from "../../queries/catalogue";
import type { LabelMatcher, Reader } from "../../queries/query";

/** Reader name → series → labels relied on (job and instance aside: the scraper adds them). */
type Reads = Map<string, Map<string, Set<string>>>;
const scraperLabels = new Set(["job", "instance"]);

function recorded(readers: readonly Reader[]): Reads {
  const reads: Reads = new Map();
  for (const reader of readers) {
    const series = reads.get(reader.name) ?? new Map<string, Set<string>>();
    for (const read of reader.reads) {
      const labels = series.get(read.series) ?? new Set<string>();
      read.labels.filter((l) => !scraperLabels.has(l)).forEach((l) => labels.add(l));
      series.set(read.series, labels);
    }
    reads.set(reader.name, series);
  }
  return reads;
}

/** Whether only a series with the label matches: Prometheus reads a missing label as "". */
function needsLabel(matcher: LabelMatcher): boolean {
  const empty = matcher.op.endsWith("~") ? new RegExp(`^(?:${matcher.value})$`).test("") : matcher.value === "";
  return matcher.op.startsWith("!") ? empty : !empty;
}

const declared = new Map(catalogue.flatMap((m) => exportedSeries(m).map((s) => [s, m.labels as readonly string[]])));

/**
 * What parsing finds: matchers' labels, and labels a `by`, `on` or legend relies on over several series,
 * on those the catalogue declares them on (as the judge takes them).
 */
function parsed(readers: readonly Reader[]): Reads {
  const reads: Reads = new Map();
  for (const reader of readers) {
    expect({ reader: reader.name, problems: reader.problems }).toEqual({ reader: reader.name, problems: undefined });
    const series = reads.get(reader.name) ?? new Map<string, Set<string>>();
    const labelsOf = (name: string) => series.get(name) ?? series.set(name, new Set<string>()).get(name)!;
    for (const read of reader.reads) {
      const labels = labelsOf(read.series);
      (read.matchers ?? []).filter(needsLabel).forEach((m) => labels.add(m.label));
    }
    for (const use of reader.shared ?? []) {
      const on = use.series.filter(
        (s) => declared.get(s)?.includes(use.label) || (use.label === "le" && s.endsWith("_bucket")),
      );
      for (const name of on.length > 0 ? on : use.series) labelsOf(name).add(use.label);
    }
    reads.set(reader.name, series);
  }
  return reads;
}

/**
 * The raw series behind `series`: a recorded one is replaced by what its rule reads, recursively. A label
 * read on a recorded series must be one its rule keeps from its inputs.
 */
function throughRecordings(series: Map<string, Set<string>>, records: Reads): Map<string, Set<string>> {
  const raw = new Map<string, Set<string>>();
  for (const [name, labels] of series) {
    const rule = records.get(name);
    const inputs = rule ? throughRecordings(rule, records) : new Map([[name, labels]]);
    if (rule) {
      // What the rule reads, and what its level (`job_instance_target_reason:`) says it keeps of its inputs'
      // declared labels: a rule that aggregates nothing away keeps labels its expression never names.
      const level = `_${name.split(":")[0]}_`;
      const passed = [...inputs.keys()].flatMap((input) =>
        (declared.get(input) ?? []).filter((label) => level.includes(`_${label}_`)),
      );
      const kept = new Set([...[...inputs.values()].flatMap((l) => [...l]), ...passed]);
      // A label read on the recording that its level passes through is read on the inputs that hold it.
      for (const [input, used] of inputs)
        for (const label of labels) if (passed.includes(label) && declared.get(input)?.includes(label)) used.add(label);
      expect({ name, lost: [...labels].filter((l) => !scraperLabels.has(l) && !kept.has(l)) }).toEqual({
        name,
        lost: [],
      });
    }
    for (const [input, used] of inputs) raw.set(input, new Set([...(raw.get(input) ?? []), ...used]));
  }
  return raw;
}

const asObject = (reads: Reads) =>
  Object.fromEntries(
    [...reads].map(([name, series]) => [name, Object.fromEntries([...series].map(([s, l]) => [s, [...l].sort()]))]),
  );

describe("parsing our outputs finds what their queries recorded", () => {
  test("every panel of the import file: the same series, and labels the recorded reads hold", async () => {
    const file = readDashboardFile(JSON.parse(await importFileText()), "grafana_dashboard.json");
    const panels = file.readers.filter((r) => r.kind === "panel");
    const byParsing = parsed(panels);
    const byRecord = recorded(panelReaders(sections()));
    expect(panels.length).toBeGreaterThan(10);
    for (const [panel, series] of byParsing) {
      const record = byRecord.get(panel);
      expect({ panel, series: [...series.keys()].sort() }).toEqual({
        panel,
        series: [...(record?.keys() ?? [])].sort(),
      });
      for (const [name, labels] of series) {
        // Recorded reads also hold legend labels; every label the query itself relies on must be among them.
        const held = record?.get(name) ?? new Set();
        expect({ panel, name, labels: [...labels].filter((l) => !scraperLabels.has(l) && !held.has(l)) }).toEqual({
          panel,
          name,
          labels: [],
        });
      }
    }
    expect([...byRecord.keys()].filter((name) => !byParsing.has(name))).toEqual([]);
  });

  test("every alert of the rule files, its recorded series read through their rules: the same series and labels", () => {
    const slo = readRulesFile(sloRulesFile(), "akkoma-slo-rules.yml");
    const own = readRulesFile(prometheusRulesFile(), "akkoma-alerts.yml");
    const records = parsed([...own, ...slo].filter((rule) => rule.kind === "record"));
    const alerts = parsed([...own, ...slo].filter((rule) => rule.kind === "alert"));
    const byParsing: Reads = new Map([...alerts].map(([alert, series]) => [alert, throughRecordings(series, records)]));
    const byRecord = recorded(alertReaders());
    expect([...alerts.values()].some((series) => [...series.keys()].some((name) => records.has(name)))).toBe(true);
    expect(byParsing.size).toBe(byRecord.size);
    const withoutScraperLabels = (reads: Reads) =>
      asObject(
        new Map(
          [...reads].map(([n, s]) => [
            n,
            new Map([...s].map(([k, l]) => [k, new Set([...l].filter((x) => !scraperLabels.has(x)))])),
          ]),
        ),
      );
    expect(withoutScraperLabels(byParsing)).toEqual(withoutScraperLabels(byRecord));
  });
});
