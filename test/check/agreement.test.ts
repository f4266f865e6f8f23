// Our dashboard and alerts record what they read as they are built; `check --dashboard/--rules` reads any
// file by parsing its PromQL. On our own outputs the two must agree, series for series and label for label.
import { readDashboardFile } from "../../check/dashboard-file";
import { readPromql } from "../../check/promql";
import { readRulesFile } from "../../check/rules-file";
import { alertReaders } from "../../alerts/reads";
import { importFileText } from "../../build/outputs";
import { prometheusRulesFile, sloRulesFile } from "../../build/rules";
import { sections } from "../../dashboards/akkoma";
import { panelReaders } from "../../dashboards/reads";
import type { QueryReader } from "../../check/dashboard-file";
import { seriesName } from "../../queries/catalogue";
import type { Reader } from "../../queries/query";

/** Reader name → series → labels relied on (job and instance aside: the scraper adds them). */
type Reads = Map<string, Map<string, Set<string>>>;
const scraperLabels = new Set(["job", "instance"]);

function recorded(readers: readonly Reader[]): Reads {
  const reads: Reads = new Map();
  for (const reader of readers) {
    const series = reads.get(reader.name) ?? new Map<string, Set<string>>();
    for (const read of reader.reads) {
      const name = seriesName(read.metric.name, read.part);
      const labels = series.get(name) ?? new Set<string>();
      read.labels.filter((l) => !scraperLabels.has(l)).forEach((l) => labels.add(l));
      series.set(name, labels);
    }
    reads.set(reader.name, series);
  }
  return reads;
}

/** What parsing finds (a legend's labels are not in PromQL: the recorded reads hold more). */
function parsed(readers: readonly QueryReader[]): Reads {
  const reads: Reads = new Map();
  for (const reader of readers) {
    const series = reads.get(reader.name) ?? new Map<string, Set<string>>();
    for (const query of reader.queries) {
      const found = readPromql(query);
      expect({ query, error: found.syntaxError }).toEqual({ query, error: undefined });
      found.selectors.forEach((selector, index) => {
        const labels = series.get(selector.name ?? "?") ?? new Set<string>();
        selector.matchers.forEach((m) => labels.add(m.label));
        found.labelUses.filter((u) => u.selectors.includes(index)).forEach((u) => labels.add(u.label));
        series.set(selector.name ?? "?", labels);
      });
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
      const kept = new Set([...inputs.values()].flatMap((l) => [...l]));
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
    expect([...byRecord.keys()].filter((name) => !byParsing.has(name) && name !== "Restart annotations")).toEqual([]);
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
