// `setup` against a loopback Akkoma: the files it writes, the interactive path through piped standard
// input, and each refusal in one line with exit 2, nothing written and the token never shown.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { generateHistory } from "../../harness/synthetic";
import { spawn } from "node:child_process";
import { cliPath, requireCommand, useTempFolder } from "../support/build";
import { type FakeAkkoma, startFakeAkkoma } from "../support/fake-akkoma";
import { type Run, clientIdOf, filesUnder, runCliAsync } from "./run";

jest.setTimeout(60_000);

const history = generateHistory({
  seed: 11,
  hours: 12,
  outageStartsBeforeEndMs: 3_600_000,
  job: "akkoma",
  instance: "akkoma.test:443",
});
let fake: FakeAkkoma;
let noExport: FakeAkkoma;

beforeAll(async () => {
  [fake, noExport] = await Promise.all([
    startFakeAkkoma({ history }),
    startFakeAkkoma({ history, exportMetrics: false }),
  ]);
});
afterAll(() => Promise.all([fake.close(), noExport.close()]));

const folder = useTempFolder("akkoma-setup-");
const out = () => join(folder(), "monitoring");

/** The first step a script runs: register the app, and get the code as the admin would. */
async function registerAndAuthorize(akkoma: FakeAkkoma, scopes?: string[]): Promise<string> {
  const run = await runCliAsync(["setup", "--instance", akkoma.url, "--out", out(), "--register-only"]);
  expect(run.status).toBe(0);
  return akkoma.authorize(clientIdOf(run.stdout), scopes);
}

const setupWith = (akkoma: FakeAkkoma, ...flags: string[]) =>
  runCliAsync(["setup", "--instance", akkoma.url, "--out", out(), ...flags]);

/** No token any Akkoma issued appears in what the run printed. */
function expectNoToken(run: Run): void {
  for (const token of [...fake.issuedTokens, ...noExport.issuedTokens]) {
    expect(run.stdout).not.toContain(token);
    expect(run.stderr).not.toContain(token);
  }
}

const address = (akkoma: FakeAkkoma) => new URL(akkoma.url).host;

describe("setup, scripted with --register-only and --code", () => {
  // Akkoma's codes are base64url: one in 64 starts with "-", which a flag parser takes for a flag.
  test.each(["-", "--"])("takes a code that starts with %s as the code", async (start) => {
    const run = await runCliAsync(["setup", "--instance", fake.url, "--out", out(), "--register-only"]);
    const code = fake.authorize(clientIdOf(run.stdout), undefined, `${start}${"Xk3_".repeat(10)}Q`.slice(0, 43));
    const done = await setupWith(fake, "--code", code, "--force");
    expect(done.stderr).toBe("");
    expect(done.status).toBe(0);
  });

  test("writes the token alone in a 0600 file, the scrape job reading it, the data source and the dashboard", async () => {
    const code = await registerAndAuthorize(fake);
    const run = await setupWith(fake, "--code", code, "--job", "social");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expectNoToken(run);

    const token = fake.issuedTokens.at(-1) as string;
    const files = filesUnder(out());
    expect(files.map((f) => [f.name, f.mode.toString(8)])).toEqual([
      ["akkoma-app.json", "600"],
      ["akkoma.json", "644"],
      ["akkoma_token", "600"],
      ["dashboards.yaml", "644"],
      ["datasources.yaml", "644"],
      ["prometheus-akkoma.yml", "644"],
    ]);
    expect(files.find((f) => f.name === "akkoma_token")?.text).toBe(`${token}\n`);
    expect(files.filter((f) => f.text.includes(token)).map((f) => f.name)).toEqual(["akkoma_token"]);

    const scrape = parse(readFileSync(join(out(), "prometheus-akkoma.yml"), "utf8"));
    expect(scrape.scrape_configs).toEqual([
      {
        job_name: "social",
        scheme: "http",
        metrics_path: "/api/v1/akkoma/metrics",
        scrape_interval: "60s",
        authorization: { type: "Bearer", credentials_file: "/etc/prometheus/akkoma_token" },
        static_configs: [{ targets: [address(fake)] }],
      },
    ]);
    const datasource = parse(readFileSync(join(out(), "datasources.yaml"), "utf8")).datasources[0];
    expect(datasource).toMatchObject({
      type: "prometheus",
      url: "http://localhost:9090",
      uid: "akkoma-metrics",
      jsonData: { timeInterval: "60s" },
    });
    const dashboard = JSON.parse(readFileSync(join(out(), "akkoma.json"), "utf8"));
    const current = (name: string) =>
      dashboard.templating.list.find((v: { name: string }) => v.name === name)?.current?.value;
    expect([current("datasource"), current("job"), current("instance")]).toEqual([
      "akkoma-metrics",
      "social",
      address(fake),
    ]);
    expect(parse(readFileSync(join(out(), "dashboards.yaml"), "utf8")).providers[0].type).toBe("file");

    // The proof was check's: one scrape with the new token, and its verdict printed.
    expect(fake.metricsRequests.at(-1)?.authorization).toBe(`Bearer ${token}`);
    expect(run.stdout).toMatch(/^proof: ok: .* exports all \d+ series the dashboard reads/m);
    expect(run.stdout).toContain("/etc/prometheus/prometheus.yml");
    expect(run.stdout).toContain("/etc/grafana/provisioning/datasources/akkoma.yaml");
  });

  test("VictoriaMetrics: its scrape file, its Debian paths, its URL in the data source", async () => {
    const code = await registerAndAuthorize(fake);
    const run = await setupWith(fake, "--code", code, "--engine", "victoriametrics");
    expect(run.status).toBe(0);
    const scrape = parse(readFileSync(join(out(), "victoria-metrics-scrape.yml"), "utf8"));
    expect(scrape.scrape_configs[0].authorization).toEqual({
      type: "Bearer",
      credentials_file: "/etc/victoria-metrics/akkoma_token",
    });
    expect(parse(readFileSync(join(out(), "datasources.yaml"), "utf8")).datasources[0].url).toBe(
      "http://localhost:8428",
    );
    expect(run.stdout).toContain(
      "-promscrape.config=/etc/victoria-metrics/scrape.yml to ARGS in /etc/default/victoria-metrics",
    );
    expect(existsSync(join(out(), "prometheus-akkoma.yml"))).toBe(false);
  });

  test("--force replaces what an earlier run wrote, with a new token", async () => {
    const first = await setupWith(fake, "--code", await registerAndAuthorize(fake));
    expect(first.status).toBe(0);
    const again = await setupWith(fake, "--code", fake.authorize(fake.apps.at(-1)?.clientId as string), "--force");
    expect(again.status).toBe(0);
    expect(readFileSync(join(out(), "akkoma_token"), "utf8")).toBe(`${fake.issuedTokens.at(-1)}\n`);
  });
});

describe("setup, interactive", () => {
  test("prints the URL, reads the code from piped standard input, and writes the files", async () => {
    const run = await runCliAsync(["setup", "--instance", fake.url, "--out", out()], (child, stdout) => {
      child.stdout?.on("data", () => {
        if (!stdout().includes("/oauth/authorize?") || child.stdin?.writableEnded) return;
        child.stdin?.end(`${fake.authorize(clientIdOf(stdout()))}\n`);
      });
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^akkoma-dashboards: registered the OAuth app "akkoma-dashboards" on http:\/\/127/);
    expect(run.stdout).toMatch(/authorize "akkoma-dashboards", and copy the code/);
    expect(readFileSync(join(out(), "akkoma_token"), "utf8")).toBe(`${fake.issuedTokens.at(-1)}\n`);
    expectNoToken(run);
  });

  test("on a terminal: prompts for the code and reads what is typed", async () => {
    requireCommand("script", "util-linux");
    const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, cliPath, "setup", "--instance", fake.url, "--out", out()].map(quote).join(" ");
    // util-linux's script runs the command on a pseudo-terminal, so standard input is a TTY.
    const terminal = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    let typed = false;
    const hung = setTimeout(() => terminal.kill(), 45_000);
    const status = await new Promise<number | null>((resolve) => {
      terminal.stdout.on("data", (chunk: Buffer) => {
        screen += chunk.toString();
        if (typed || !screen.includes("Code: ")) return;
        typed = true;
        terminal.stdin.write(`${fake.authorize(clientIdOf(screen))}\r`);
      });
      terminal.on("close", resolve);
    });
    clearTimeout(hung);
    expect(status).toBe(0);
    // The prompt follows the URL, on its own line (readline moves the cursor there first).
    expect(screen).toMatch(/\/oauth\/authorize\?[^\n]*\n[^\n]*Code: /);
    expect(readFileSync(join(out(), "akkoma_token"), "utf8")).toBe(`${fake.issuedTokens.at(-1)}\n`);
    expectNoToken({ status, stdout: screen, stderr: "" });
  });

  test("no code on standard input: one line naming --code, exit 2, nothing but the registration written", async () => {
    const run = await setupWith(fake);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n").filter(Boolean).at(-1)).toBe(
      "akkoma-dashboards: --code: no authorization code given (authorize at the URL above, then pass it)",
    );
    expect(filesUnder(out()).map((f) => f.name)).toEqual(["akkoma-app.json"]);
  });
});

describe("setup refuses, in one line, with exit 2, writing nothing", () => {
  /** The run's last stderr line: after "registered the OAuth app" when it had to register. */
  const refusal = (run: Run) => {
    expect(run.status).toBe(2);
    expectNoToken(run);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines.length).toBe(1);
    return lines[0];
  };
  const writtenBesidesTheApp = () =>
    filesUnder(out())
      .map((f) => f.name)
      .filter((name) => name !== "akkoma-app.json");

  test("a wrong code", async () => {
    await registerAndAuthorize(fake);
    const run = await setupWith(fake, "--code", "bm90LXRoZS1jb2Rl");
    expect(refusal(run)).toBe(
      "akkoma-dashboards: --code: the instance refused the code (HTTP 400: Invalid credentials) " +
        "(a code works once and expires within minutes: authorize again at the URL for a new one)",
    );
    expect(writtenBesidesTheApp()).toEqual([]);
  });

  test("a code used twice", async () => {
    const code = await registerAndAuthorize(fake);
    expect((await setupWith(fake, "--code", code)).status).toBe(0);
    const run = await setupWith(fake, "--code", code, "--force");
    expect(refusal(run)).toMatch(/--code: the instance refused the code \(HTTP 400: Invalid credentials\)/);
  });

  test("a token without the admin:metrics scope (the admin unticked it): 403", async () => {
    const code = await registerAndAuthorize(fake, ["read"]);
    const run = await setupWith(fake, "--code", code);
    expect(refusal(run)).toBe(
      `akkoma-dashboards: ${fake.url}/api/v1/akkoma/metrics: HTTP 403: the instance refused the request ` +
        "(the token needs the admin:metrics scope)",
    );
    expect(writtenBesidesTheApp()).toEqual([]);
  });

  test("export_prometheus_metrics off: 404", async () => {
    const code = await registerAndAuthorize(noExport);
    const run = await setupWith(noExport, "--code", code);
    expect(refusal(run)).toMatch(
      /\/api\/v1\/akkoma\/metrics: HTTP 404: no metrics here \(export_prometheus_metrics may be off/,
    );
    expect(writtenBesidesTheApp()).toEqual([]);
  });

  test("an unreachable instance: not even the folder", async () => {
    const closed = await startFakeAkkoma({ history });
    await closed.close();
    const run = await setupWith(closed);
    expect(refusal(run)).toBe(`akkoma-dashboards: ${closed.url}/api/v1/apps: unreachable: ECONNREFUSED`);
    expect(existsSync(out())).toBe(false);
  });

  test("a file already there, without --force: before any request, the file untouched", async () => {
    mkdirSync(out());
    writeFileSync(join(out(), "datasources.yaml"), "mine\n");
    const registered = fake.apps.length;
    const run = await setupWith(fake);
    expect(refusal(run)).toBe(
      `akkoma-dashboards: ${join(out(), "datasources.yaml")}: exists (pass --force to replace it, or choose another --out)`,
    );
    expect(fake.apps.length).toBe(registered);
    expect(filesUnder(out())).toEqual([{ name: "datasources.yaml", text: "mine\n", mode: expect.any(Number) }]);
  });

  test("an engine it does not know", async () => {
    const run = await setupWith(fake, "--engine", "graphite");
    expect(refusal(run)).toBe('akkoma-dashboards: --engine: expected prometheus or victoriametrics, not "graphite"');
    expect(existsSync(out())).toBe(false);
  });

  test("--code without a registered app", async () => {
    const run = await setupWith(fake, "--code", "abcd");
    expect(refusal(run)).toMatch(/^akkoma-dashboards: --code: no app registered on http:\/\/127\.0\.0\.1:\d+ in /);
    expect(existsSync(out())).toBe(false);
  });
});
