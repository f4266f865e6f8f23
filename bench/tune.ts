// How long `tune` takes to replay every alert over 30 days of history, on each engine: the same generator
// over 30 days, one instance, only the series the alerts read.
import { performance } from "node:perf_hooks";
import { startEngines } from "../harness/engines";
import { selectorsIn } from "../harness/selectors";
import { generateHistory } from "../harness/synthetic";
import { rangeClient } from "../tune/engine";
import { replayedRules } from "../tune/rules";
import { queriesFor, tune } from "../tune/tune";
import { monthHours } from "../harness/cost";

export async function benchTune(): Promise<string> {
  const rules = replayedRules();
  const read = new Set(rules.flatMap((rule) => selectorsIn(rule.expr).map((found) => found.series)));
  const full = generateHistory({ seed: 4, hours: monthHours, job: "akkoma", instance: "akkoma.test:443" });
  const history = { ...full, series: full.series.filter((s) => read.has(s.name)) };
  const samples = history.series.length * history.scrapes;
  console.log(
    `\ntune over 30 days: ${history.series.length} series the alerts read, ${samples.toLocaleString("en")} samples`,
  );
  const engines = await startEngines(history);
  const lines = [
    "### tune over 30 days",
    "",
    `${history.series.length} series the alerts read, ${samples.toLocaleString("en")} samples.`,
    "",
    "| Engine | Seconds | Alerts | Queries | Firings found |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  try {
    const range = { startMs: history.startMs, endMs: history.endMs };
    for (const engine of engines.all) {
      const client = await rangeClient({
        url: engine.url,
        warn: console.warn,
        maxBytes: 64 << 20,
        timeoutSeconds: 120,
      });
      const started = performance.now();
      const report = await tune({ client, range });
      const seconds = (performance.now() - started) / 1000;
      const firings = report.alerts.reduce((sum, alert) => sum + alert.firings, 0);
      console.log(
        `  ${engine.name}: ${seconds.toFixed(1)} s for ${rules.length} alerts in ${queriesFor(rules, range)} queries (${firings} firing(s) found)`,
      );
      lines.push(
        `| ${engine.name} | ${seconds.toFixed(1)} | ${rules.length} | ${queriesFor(rules, range)} | ${firings} |`,
      );
    }
  } finally {
    await engines.stop();
  }
  return lines.join("\n");
}
