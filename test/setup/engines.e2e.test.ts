// What `setup` writes, used as written: promtool and VictoriaMetrics accept the scrape files, real
// Prometheus and VictoriaMetrics scrape the loopback Akkoma with the token from the token file (the
// server checks the header), and every panel of the dashboard it wrote shows what they scraped.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EngineName, type ScrapingEngine, startScrapingEngine } from "../../harness/engines";
import { freePort } from "../../harness/processes";
import { type DashboardLoad, type PanelResult, finitePoints, loadDashboard, shownFrames } from "../../harness/evaluate";
import { generateHistory } from "../../harness/synthetic";
import { requireCommand } from "../support/build";
import { type FakeAkkoma, startFakeAkkoma } from "../support/fake-akkoma";
import { type Run, clientIdOf, filesUnder, runCliAsync } from "./run";

const hourMs = 3_600_000;
// Akkoma's counters grow an hour of history a scrape from 21 h in, where every delivery failure but
// the latest has its series, so a few scrapes a minute apart give every rate and increase.
const history = generateHistory({ seed: 12, hours: 30, outageStartsBeforeEndMs: 2 * hourMs, instance: "a:443" });
const engines = [
  { kind: "prometheus", name: "Prometheus", scrapeFile: "prometheus-akkoma.yml" },
  { kind: "victoriametrics", name: "VictoriaMetrics", scrapeFile: "victoria-metrics-scrape.yml" },
] as const;

let root = "";
let fake: FakeAkkoma | undefined;
const runs = new Map<EngineName, Run>();
const started: ScrapingEngine[] = [];
const loads = new Map<EngineName, DashboardLoad>();
const folderOf = (name: EngineName) => join(root, name);

async function query(engine: ScrapingEngine, expr: string): Promise<number> {
  const response = await fetch(`${engine.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value[1] ?? NaN);
}

/**
 * Until the engine holds four scrapes of Akkoma, a minute apart (the job's own interval): then a
 * rate's window ($__rate_interval, four scrapes) at a point of a two-minute step always holds two.
 */
async function fourScrapes(engine: ScrapingEngine): Promise<void> {
  const deadline = Date.now() + 330_000;
  while (Date.now() < deadline) {
    if ((await query(engine, 'count_over_time(pleroma_local_users_total{job="akkoma"}[10m])')) >= 4) return;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`${engine.name} did not scrape Akkoma four times within 330 s`);
}

beforeAll(async () => {
  requireCommand("promtool", "prometheus");
  root = mkdtempSync(join(tmpdir(), "akkoma-setup-engines-"));
  fake = await startFakeAkkoma({ history, firstScrape: 21 * 60 });
  const ports = new Map<EngineName, number>();
  for (const { kind, name } of engines) {
    const out = folderOf(name);
    const register = await runCliAsync(["setup", "--instance", fake.url, "--out", out, "--register-only"]);
    const code = fake.authorize(clientIdOf(register.stdout));
    ports.set(name, await freePort());
    const flags = ["--code", code, "--engine", kind, "--token-path", join(out, "akkoma_token")];
    const engineUrl = `http://127.0.0.1:${ports.get(name)}`;
    runs.set(
      name,
      await runCliAsync(["setup", "--instance", fake.url, "--out", out, ...flags, "--engine-url", engineUrl]),
    );
  }
  // A failed setup leaves no scrape file: say why here rather than as the engine's missing config.
  for (const [name, run] of runs)
    if (run.status !== 0) throw new Error(`setup for ${name} exited with ${run.status}: ${run.stderr.trim()}`);
  for (const { name, scrapeFile } of engines) {
    started.push(await startScrapingEngine(name, join(folderOf(name), scrapeFile), ports.get(name) as number));
  }
  await Promise.all(started.map(fourScrapes));
  for (const engine of started) {
    const dashboard = readFileSync(join(folderOf(engine.name), "akkoma.json"), "utf8");
    loads.set(engine.name, await loadDashboard(dashboard, engine, { datasourceUid: "akkoma-metrics" }));
  }
}, 480_000);

afterAll(async () => {
  await Promise.all(started.map((engine) => engine.stop()));
  await fake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
}, 30_000);

describe.each(engines)("setup for $name", ({ name, scrapeFile }) => {
  const loadOf = () => {
    const load = loads.get(name);
    if (!load) throw new Error(`no dashboard load on ${name}; see the beforeAll failure`);
    return load;
  };

  test("succeeds, and no file but the token file holds the token", () => {
    const run = runs.get(name) as Run;
    expect(run.status).toBe(0);
    const token = readFileSync(join(folderOf(name), "akkoma_token"), "utf8").trim();
    expect(fake?.issuedTokens).toContain(token);
    expect(run.stdout + run.stderr).not.toContain(token);
    const holding = filesUnder(folderOf(name)).filter((f) => f.text.includes(token));
    expect(holding.map((f) => [f.name, f.mode.toString(8)])).toEqual([["akkoma_token", "600"]]);
  });

  test("the engine's own checker accepts the scrape file", () => {
    const file = join(folderOf(name), scrapeFile);
    const check =
      name === "Prometheus"
        ? spawnSync("promtool", ["check", "config", file], { encoding: "utf8" })
        : spawnSync(
            "victoria-metrics",
            [`-promscrape.config=${file}`, "-promscrape.config.dryRun", "-loggerLevel=ERROR"],
            {
              encoding: "utf8",
            },
          );
    expect(check.stderr).not.toMatch(/error|FAILED/i);
    expect(check.status).toBe(0);
  });

  test("every scrape sent the token from the token file, and Akkoma let it in", () => {
    const token = readFileSync(join(folderOf(name), "akkoma_token"), "utf8").trim();
    const agent = name === "Prometheus" ? /^Prometheus\// : /vm_promscrape/;
    const scrapes = (fake?.metricsRequests ?? []).filter((r) => agent.test(r.userAgent ?? ""));
    expect(scrapes.length).toBeGreaterThanOrEqual(2);
    expect(scrapes.filter((r) => r.authorization !== `Bearer ${token}` || r.status !== 200)).toEqual([]);
  });

  test("the dashboard selects the job and instance setup wrote, and no query is refused", () => {
    const load = loadOf();
    expect(load.variables.get("job")?.value).toBe("akkoma");
    expect(load.variables.get("instance")?.value).toBe(new URL(fake?.url as string).host);
    const refused = load.panels.flatMap((panel) =>
      panel.targets.filter((t) => t.status !== "success").map((t) => `${panel.title}: ${t.error} -- ${t.query}`),
    );
    expect(refused).toEqual([]);
  });

  // A trend draws a point an hour, on the hour, and the burn rate a point every ten minutes or more: a
  // scraper started minutes ago has none yet on the graph, so there the panel's queries are asked for
  // now instead.
  const isTrend = (panel: PanelResult) => panel.time.intervalSeconds * 1000 >= 10 * 60_000;

  test("every panel shows what the engine scraped", () => {
    const blank = loadOf()
      .panels.filter((panel) => !isTrend(panel))
      .filter((panel) => !shownFrames(panel).some((frame) => finitePoints(frame).length > 0))
      .map((panel) => panel.title);
    expect(blank).toEqual([]);
  });

  test("every slowly stepping panel's queries (trends, burn rate) have a value now", async () => {
    const engine = started.find((e) => e.name === name) as ScrapingEngine;
    const trends = loadOf().panels.filter(isTrend);
    expect(trends.length).toBeGreaterThan(0);
    const empty: string[] = [];
    for (const panel of trends) {
      for (const target of panel.targets.filter((t) => t.kind !== "expression")) {
        if (!Number.isFinite(await query(engine, target.query))) empty.push(`${panel.title}: ${target.query}`);
      }
    }
    expect(empty).toEqual([]);
  });
});
