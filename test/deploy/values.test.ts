// Deployment values that would break what they reach are refused, naming the field or the file:
// oversized, not UTF-8, import placeholders, YAML alias bombs, endless config files.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import schema from "../../deploy/values.schema.json";
import { deploymentValues } from "../../deploy/values";
import { seriesLabels } from "../../queries/catalogue";
import { cliPath, projectRoot, runCli, useTempFolder } from "../support/build";

const templateHint = `Prometheus and vmalert expand an alert's label values as Go templates; write {{ "{{" }} for literal braces`;
const ownLabels = `not instance, __name__ or Akkoma's own labels: ${seriesLabels.join(", ")}`;

describe("deployment values that would break what they reach", () => {
  const folder = useTempFolder("deploy-values-");
  const out = () => join(folder(), "never.json");
  const refused = (args: string[], stderr: string) => {
    const result = runCli([...args, "--out", out()]);
    expect(result).toEqual({ status: 2, stdout: "", stderr: `akkoma-dashboards: ${stderr}\n` });
    expect(existsSync(out())).toBe(false);
  };
  // The schema's own wording is the validator library's; ours is the culprit, and the limit it names.
  const refusedOverLimit = (args: string[], culprit: string, limit: number) => {
    const result = runCli([...args, "--out", out()]);
    const named = `akkoma-dashboards: ${culprit}: `;
    expect([result.status, result.stdout, result.stderr.slice(0, named.length)]).toEqual([2, "", named]);
    const problem = result.stderr.slice(named.length);
    expect(problem.split("\n")).toEqual([expect.stringMatching(new RegExp(`\\b${limit}\\b`)), ""]);
    expect(existsSync(out())).toBe(false);
  };
  const config = (name: string, content: string | Buffer) => {
    const path = join(folder(), name);
    writeFileSync(path, content);
    return path;
  };

  it("a 50 kB title is refused, naming the title", () => {
    refusedOverLimit(["build", "--title", "x".repeat(50_000)], "--title", 189);
  });

  it("an import placeholder in the title names the title, not the dashboard", () => {
    const path = config("social.yaml", 'title: "Akkoma ${DATASOURCE}"\n');
    refused(
      ["build", "--config", path],
      `--config ${path}: title: \${DATASOURCE} is an import placeholder, which only Grafana's import screen fills in`,
    );
  });

  // Each would build and then be refused by promtool, by the PrometheusRule check, or never fire or match.
  it.each([
    [
      "a duration longer than Prometheus holds",
      "alerts: { AkkomaDown: { for: 99999999999999999999y } }",
      "alerts.AkkomaDown.for: is longer than Prometheus' longest duration (about 292 years)",
    ],
    [
      "a duration repeating a unit",
      "alerts: { AkkomaDown: { keep_firing_for: 5m5m } }",
      "alerts.AkkomaDown.keep_firing_for: is not a Prometheus duration (A Prometheus duration, e.g. 15m or 1h30m: each unit (y, w, d, h, m, s, ms) once, largest first, at most about 292 years)",
    ],
    [
      "a share above 1",
      "alerts: { AkkomaJobsFailing: { threshold: 5 } }",
      "alerts.AkkomaJobsFailing.threshold: must be at most 1 (The alert's bar: a share between 0 and 1 (0.5 is half))",
    ],
    [
      "a share written as a word",
      'alerts: { AkkomaJobsFailing: { threshold: "half" } }',
      "alerts.AkkomaJobsFailing.threshold: must be a number, not a string (The alert's bar: a share between 0 and 1 (0.5 is half))",
    ],
    [
      "the objective's page at a share above 1",
      "alerts: { AkkomaFederationAttemptsFailing: { threshold: 1.5 } }",
      "alerts.AkkomaFederationAttemptsFailing.threshold: must be at most 1 (The alert's bar: a share between 0 and 1 (0.5 is half))",
    ],
    [
      "the objective's ticket at a burn rate of 0",
      "alerts: { AkkomaFederationBudgetBurn: { threshold: 0 } }",
      "alerts.AkkomaFederationBudgetBurn.threshold: must be above 0 (The burn rate that opens a ticket: how many times faster than the objective allows deliveries fail for good (1 spends the budget in exactly its period))",
    ],
    [
      "the objective's ticket at a burn rate asking more than every delivery failing (100 times 1 %)",
      "alerts: { AkkomaFederationBudgetBurn: { threshold: 100 } }",
      "alerts.AkkomaFederationBudgetBurn.threshold: a burn rate of 100 at a 99 % objective asks for more than every delivery failing: it can never fire (below 100)",
    ],
    [
      "an objective's alert by a name it no longer has",
      "alerts: { AkkomaFederationBudgetFastBurn: { for: 5m } }",
      `alerts.AkkomaFederationBudgetFastBurn: unknown field (known: ${Object.keys(schema.properties.alerts.properties).join(", ")})`,
    ],
    [
      "an alert label the rules set themselves",
      "alerts: { AkkomaDown: { labels: { alertname: x } } }",
      "alerts.AkkomaDown.labels.alertname: is not a label you may set here (a label name ([a-zA-Z_][a-zA-Z0-9_]*), not one the rules set themselves)",
    ],
    [
      "grouping by a label of Akkoma's own series (the objective's two sides stop matching)",
      "selector: { groupBy: [pod, target] }",
      `selector.groupBy[1]: target is a label of Akkoma's own series, which the rules match and aggregate by themselves (a label your scrape adds, e.g. namespace, pod; not the job label, ${ownLabels})`,
    ],
    [
      "grouping by the instance again",
      "selector: { groupBy: [instance] }",
      `selector.groupBy[0]: instance is kept by every aggregation already: by() would name it twice (a label your scrape adds, e.g. namespace, pod; not the job label, ${ownLabels})`,
    ],
    [
      "grouping by the relabelled job label again",
      "selector: { jobLabel: service, groupBy: [service] }",
      `selector.groupBy[0]: service is kept by every aggregation already: by() would name it twice (a label your scrape adds, e.g. namespace, pod; not the job label, ${ownLabels})`,
    ],
    [
      "grouping by the metric name",
      "selector: { groupBy: [__name__] }",
      `selector.groupBy[0]: __name__ is the metric's name, not a label of a target (a label your scrape adds, e.g. namespace, pod; not the job label, ${ownLabels})`,
    ],
    [
      "a matcher on the job label, beside the job's own",
      "selector: { jobLabel: cluster, matchers: { cluster: eu1 } }",
      "selector.matchers.cluster: cluster is the job label, which the rules match to the job already: a second matcher on it matches nothing (set the job itself (job, --job))",
    ],
    [
      "a matcher on a label of Akkoma's own series (up has none: AkkomaDown never fires)",
      "selector: { matchers: { worker: x } }",
      `selector.matchers.worker: worker is a label of Akkoma's own series, which the rules match and aggregate by themselves (a label your scrape adds, e.g. cluster; ${ownLabels})`,
    ],
    [
      "a matcher on the instance",
      "selector: { matchers: { instance: x } }",
      "selector.matchers.instance: is not a label you may set here (a label name ([a-zA-Z_][a-zA-Z0-9_]*), not one the rules set themselves)",
    ],
    [
      "the instance as the job label (every aggregation would keep it alone)",
      "selector: { jobLabel: instance }",
      `selector.jobLabel: instance tells one target from another: every aggregation would keep it alone (the label your scraper names the job with (default job), ${ownLabels})`,
    ],
    [
      "a histogram's bucket label as the job label",
      "selector: { jobLabel: le }",
      `selector.jobLabel: le is a label of Akkoma's own series, which the rules match and aggregate by themselves (the label your scraper names the job with (default job), ${ownLabels})`,
    ],
    [
      "a port number where the scrapes take the Service's port name",
      'kubernetes: { port: "8080" }',
      `kubernetes.port: is not a Kubernetes port name (${schema.properties.kubernetes.properties.port.description})`,
    ],
    [
      "an alert's label that is no Go template (Prometheus expands label values)",
      'alerts: { AkkomaDown: { labels: { team: "{{ .Foo" } } }',
      `alerts.AkkomaDown.labels.team: is not a valid template: the action opened at character 0 is never closed (${templateHint})`,
    ],
    [
      "a label on every alert that is no Go template",
      'alertLabels: { summary: "ops {{ }}" }',
      `alertLabels.summary: is not a valid template: empty action at character 4 (${templateHint})`,
    ],
  ])("an impossible value is refused at the values file, named by its path: %s", (_, values, error) => {
    const path = config("values.yaml", `${values}\n`);
    refused(["build", "--config", path], `--config ${path}: ${error}`);
  });

  // The rules aggregate by every label the catalogue's metrics carry: each is refused, however many it grows to.
  it.each(seriesLabels.map((label) => [label]))(
    "every label of Akkoma's own series is refused in selector.groupBy, selector.matchers and selector.jobLabel: %s",
    async (label) => {
      for (const [selector, field] of [
        [`groupBy: [${label}]`, "selector.groupBy[0]"],
        [`matchers: { ${label}: x }`, `selector.matchers.${label}`],
        [`jobLabel: ${label}`, "selector.jobLabel"],
      ]) {
        const path = config("selector.yaml", `selector: { ${selector} }\n`);
        await expect(deploymentValues({}, path)).rejects.toThrow(
          `--config ${path}: ${field}: ${label} is a label of Akkoma's own series, which the rules match and aggregate by themselves (`,
        );
      }
    },
  );

  it.each([
    ["http", true],
    ["metrics", true],
    ["https-metrics", true],
    ["h2c", true],
    ["web-9100", true],
    ["abcdefghijklmno", true],
    ["8080", false],
    ["9-1", false],
    ["abcdefghijklmnop", false],
    ["-http", false],
    ["http-", false],
    ["http--alt", false],
    ["Http", false],
    ["http_alt", false],
    ["", false],
  ])("kubernetes.port takes an IANA service name, as Kubernetes names a port: %j (%s)", async (port, taken) => {
    const path = config("port.yaml", `kubernetes: { port: "${port}" }\n`);
    const read = deploymentValues({}, path);
    if (taken) await expect(read).resolves.toEqual({ kubernetes: { port } });
    else await expect(read).rejects.toThrow(`--config ${path}: kubernetes.port: is not a Kubernetes port name (`);
  });

  it("docs/values.md names every label of Akkoma's own series a selector may not name", () => {
    const docs = readFileSync(join(projectRoot, "docs", "values.md"), "utf8");
    expect(seriesLabels.filter((label) => !docs.includes(`\`${label}\``))).toEqual([]);
  });

  it("a selector regex Prometheus' RE2 cannot compile is refused, named by its path", () => {
    const path = config("regex.yaml", 'selector:\n  matchers:\n    namespace: { regex: "akkoma-(?!test)" }\n');
    refused(
      ["build", "--config", path],
      `--config ${path}: selector.matchers.namespace.regex: uses lookaround or a backreference, which Prometheus' RE2 has not`,
    );
  });

  it("a nested value is checked as closely, and named by its path", () => {
    const labels = config("labels.yaml", 'alertLabels:\n  team: "ops\\u0007"\n');
    refused(["build", "--config", labels], `--config ${labels}: alertLabels.team: holds a control character`);
    const reasons = config("reasons.yaml", 'deadInstanceReasons: [http_410, "${INSTANCE}"]\n');
    refused(
      ["build", "--config", reasons],
      `--config ${reasons}: deadInstanceReasons[1]: \${INSTANCE} is an import placeholder, which only Grafana's import screen fills in`,
    );
  });

  it("a values file cannot grow every output: long label values and many labels are refused", () => {
    const long = config("long.yaml", `alertLabels:\n  team: ${"x".repeat(2000)}\n`);
    refusedOverLimit(["build", "--config", long], `--config ${long}: alertLabels.team`, 1024);
    const many = Array.from({ length: 40 }, (_, i) => `  l${i}: v`).join("\n");
    const wide = config("wide.yaml", `alertLabels:\n${many}\n`);
    refusedOverLimit(["build", "--config", wide], `--config ${wide}: alertLabels`, 32);
  });

  it("Latin-1 bytes in a config file are refused as not UTF-8, naming the file and line", () => {
    const path = config("latin1.yaml", Buffer.from("job: akkoma\ntitle: caf\xe9\n", "latin1"));
    refused(["build", "--config", path], `--config ${path}:2: not UTF-8 text (save it as UTF-8)`);
  });

  it("a lone surrogate (a JSON escape) is refused, naming the field", () => {
    const path = config("social.json", '{"job": "akkoma\\ud800"}');
    refused(["build", "--config", path], `--config ${path}: job: holds a lone UTF-16 surrogate, which is not text`);
  });

  it("a flag whose bytes were not UTF-8 is refused, naming the flag", () => {
    // Node turns invalid bytes in argv into U+FFFD.
    refused(
      ["build", "--job", "caf\ufffd"],
      "--job: holds U+FFFD, the mark of bytes that were not UTF-8; write it in UTF-8",
    );
  });

  it("a YAML alias bomb is bad input naming where its first alias is, exit 2, not an internal error", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const [previous, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const path = config("bomb.yaml", `${lines.join("\n")}\n`);
    refused(["build", "--config", path], `--config ${path}:2: a YAML alias (*name) (write the value itself)`);
  });

  it("7,000,000 values in 14 MB are refused naming the field and line, within 512 MB of heap", () => {
    const path = config("many.yaml", `job: akkoma\ndeadInstanceReasons: [${Array(7_000_000).fill("a").join(",")}]\n`);
    const result = spawnSync(
      process.execPath,
      ["--max-old-space-size=512", cliPath, "build", "--config", path, "--out", out()],
      {
        encoding: "utf8",
      },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 2,
      stderr: `akkoma-dashboards: --config ${path}:2: more than 10,000 values (in field deadInstanceReasons); stopped reading (deployment values take a few dozen)\n`,
    });
  }, 60_000);

  it("YAML nested too deeply for the parser: said so, not as a stack overflow", () => {
    const path = config("deep.yaml", `job: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`);
    const result = runCli(["build", "--config", path, "--out", out()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^akkoma-dashboards: --config ${path}: not valid JSON or YAML at line 1: nested too deeply .*, column \\d+\n$`,
      ),
    );
  });

  describe("a config FIFO", () => {
    const build = (path: string) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cliPath, "build", "--config", path, "--out", out()]);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (status) => resolve({ status, stderr }));
      });

    it("nobody writes to stops after the 15 s every input is given, exit 2", async () => {
      const path = join(folder(), "waiting.yaml");
      spawnSync("mkfifo", [path]);
      expect(await build(path)).toEqual({
        status: 2,
        stderr: `akkoma-dashboards: --config ${path}: nothing complete within 15 s; stopped reading (is anything writing to it?)\n`,
      });
    }, 40_000);

    let writer: ChildProcess | undefined;
    afterEach(() => writer?.kill());

    it("fed endlessly stops at the size limit, exit 2", async () => {
      const path = join(folder(), "endless.yaml");
      spawnSync("mkfifo", [path]);
      writer = spawn("sh", ["-c", 'exec yes > "$0"', path], { stdio: "ignore" });
      const result = await build(path);
      expect(result).toEqual({
        status: 2,
        stderr: `akkoma-dashboards: --config ${path}: larger than the 16 MiB limit; stopped reading (deployment values take a few lines)\n`,
      });
    });
  });
});
