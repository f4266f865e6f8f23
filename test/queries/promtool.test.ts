import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importFileText } from "../../build/outputs";
import { deadReasonsToggle, defaultScrapeJob, importInputs, variables } from "../../config";
import { requireCommand } from "../support/build";
import { interpolate } from "../../harness/grafana";
import { importDashboard } from "../../harness/import";

const variableValues = {
  [variables.job]: defaultScrapeJob,
  [variables.instance]: "social.example.org:443",
  [deadReasonsToggle.name]: deadReasonsToggle.hideDead.regex,
};
const time = { rangeSeconds: 10_800, intervalSeconds: 60, scrapeIntervalSeconds: 60 };

/** Prometheus' own parser, through promtool: every query becomes a recording rule. */
function promtoolCheck(exprs: string[]) {
  const promtool = requireCommand("promtool", "prometheus");
  const folder = mkdtempSync(join(tmpdir(), "promtool-"));
  try {
    const rules = exprs
      .map((expr, i) => `      - record: query_${i}\n        expr: ${JSON.stringify(expr)}`)
      .join("\n");
    const file = join(folder, "rules.yml");
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    return spawnSync(promtool, ["check", "rules", file], { encoding: "utf8" });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe("every query is valid PromQL for Prometheus", () => {
  it("promtool parses all of them", async () => {
    const dashboard = importDashboard(await importFileText(), "import API", { [importInputs.datasource]: "prom" }) as {
      panels: { type: string; targets?: { expr?: string }[] }[];
    };
    const exprs = dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .map((target) => interpolate(target.expr ?? "", variableValues, time));
    expect(exprs.length).toBeGreaterThan(40);
    const result = promtoolCheck(exprs);
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(result.status).toBe(0);
  });
});
