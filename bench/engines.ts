// What one full load of each dashboard costs on real Prometheus and VictoriaMetrics, next to the yardstick
// (the reference's queries, trends repaired: harness/yardstick.ts), at 3 hours over the two-day history and
// at 30 days over the month one; per panel on both engines. The cost test holds the same counts to their
// goals; this prints them, with wall times, and returns them as Markdown for docs/benchmarks.md.
//
//   npm run bench -- [--three-hours-only]

import { type Engines, startEngines } from "../harness/engines";
import type { DashboardLoad } from "../harness/evaluate";
import {
  type ComparedDashboards,
  type CostRange,
  type DashboardName,
  comparedDashboards,
  costRows,
  costTable,
  loadCost,
  monthHistory,
  number,
  panelTable,
  recordOver,
  twoDayHistory,
  withRange,
} from "../harness/cost";
import type { SyntheticHistory } from "../harness/synthetic";

export async function benchEngines(): Promise<string> {
  const dashboards = await comparedDashboards();
  const sections: string[] = [];
  const threeHours = twoDayHistory();
  sections.push(await measure("3 hours (the default range) over a 50-hour history", "3h", threeHours, dashboards));
  if (!process.argv.includes("--three-hours-only")) {
    const month = monthHistory(dashboards);
    const at30Days = Object.fromEntries(
      Object.entries(dashboards).map(([name, json]) => [name, withRange(json, "now-30d")]),
    ) as unknown as ComparedDashboards;
    sections.push(await measure("30 days over a 30-day history", "30d", month, at30Days));
  }
  return sections.join("\n\n");
}

async function measure(
  title: string,
  range: CostRange,
  history: SyntheticHistory,
  dashboards: ComparedDashboards,
): Promise<string> {
  const samples = history.series.reduce((sum, s) => sum + s.values.filter((v) => !Number.isNaN(v)).length, 0);
  const out = [
    `### ${title}`,
    "",
    `Synthetic history: ${history.series.length} series at one scrape a minute, ${number(samples)} samples.`,
  ];
  console.log(`\n${title}: ${history.series.length} series, ${number(samples)} samples`);
  await withEngines(history, async (engines) => {
    const started = performance.now();
    await recordOver(engines, history, dashboards.recorded);
    console.log(
      `  recording rules evaluated over the history in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    const loads: Record<DashboardName, DashboardLoad[]> = { default: [], recorded: [], yardstick: [] };
    for (const name of ["default", "recorded", "yardstick"] as const)
      for (const engine of engines.all)
        loads[name].push(await loadCost(engine, dashboards[name], history, { costPerPanel: true }));
    const table = costTable(costRows(range, loads));
    const walls = (["default", "recorded", "yardstick"] as const)
      .flatMap((name) => loads[name].map((l) => `${name} on ${l.engine}: ${l.wallMs.toFixed(0)} ms`))
      .join("; ");
    out.push("", table, "", `Wall time of one load (this machine, not a test): ${walls}.`);
    for (const name of ["default", "recorded", "yardstick"] as const)
      for (const load of loads[name])
        out.push(
          "",
          `<details><summary>${name}, ${load.engine}, per panel</summary>`,
          "",
          panelTable(load),
          "",
          "</details>",
        );
    console.log(`${table}\n  ${walls}`);
  });
  return out.join("\n");
}

async function withEngines(history: SyntheticHistory, use: (engines: Engines) => Promise<void>): Promise<void> {
  const engines = await startEngines(history);
  try {
    await use(engines);
  } finally {
    await engines.stop();
  }
}
