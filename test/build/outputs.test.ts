// The dashboard loads without the import screen (file provisioning, the Helm sidecar, the
// Operator) and renders with a deployment's values (Terraform, the HTTP API, a second instance).

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { outputs, variables } from "../../config";
import { importFileText, plainDashboard } from "../../build/outputs";
import { providerYaml } from "../../build/provisioning";
import { validateDashboard, validatePlainDashboard } from "../../build/validate";
import { panelsIn } from "../../dashboards/rows";
import { cliPath, projectRoot, runCli, useTempFolder } from "../support/build";
import { codeBlocks, documentation } from "../support/docs";

type Variable = { name: string; type: string; query: string; current?: { value: string }; datasource?: unknown };
type Panel = { title: string; type: string; datasource?: unknown; targets?: { datasource?: unknown }[] };
const variablesOf = (dashboard: { templating: { list: Variable[] } }) =>
  Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
const datasourceVariable = { type: "prometheus", uid: `\${${variables.datasource}}` };

describe("the provisioning file", () => {
  let text: string;
  beforeAll(async () => {
    text = await plainDashboard();
  });

  it("is what out/provisioning/akkoma.json holds (run `npm run build` and commit it)", () => {
    const committed = join(projectRoot, outputs.provisioningFolder, outputs.provisionedDashboard);
    expect(readFileSync(committed, "utf8")).toBe(text);
  });

  it("passes Grafana's schemas as a plain dashboard, with no envelope and no id", () => {
    const dashboard = JSON.parse(text);
    expect(validatePlainDashboard(dashboard)).toEqual([]);
    expect(Object.keys(dashboard).filter((key) => key.startsWith("__"))).toEqual([]);
    expect(dashboard.id).toBeNull();
  });

  it("has no placeholder that only the import screen would fill in", () => {
    expect(text.match(/\$\{[A-Z][A-Z0-9_]*\}/g)).toBeNull();
  });

  it("leaves the data source to Grafana's default and the instance to discovery", () => {
    const { datasource, job, instance } = variablesOf(JSON.parse(text));
    expect(datasource).toMatchObject({ type: "datasource", query: "prometheus", current: { value: "default" } });
    expect(job).toMatchObject({ type: "query", refresh: 1, current: { value: "akkoma" } });
    expect(instance?.current).toBeUndefined();
  });

  it("every panel and target reads the data source variable", () => {
    const panels = panelsIn(JSON.parse(text).panels as Panel[]);
    const elsewhere = panels.flatMap((panel) =>
      [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]
        .filter((ds) => JSON.stringify(ds) !== JSON.stringify(datasourceVariable))
        .map((ds) => `${panel.title}: ${JSON.stringify(ds)}`),
    );
    expect(elsewhere).toEqual([]);
  });

  // `up` would list every job the data source scrapes; an Akkoma gauge lists only Akkoma's.
  it("discovers jobs and instances from an Akkoma series, instances within the selected job", () => {
    const { job, instance } = variablesOf(JSON.parse(text));
    expect(job?.query).toBe("label_values(pleroma_local_users_total, job)");
    expect(instance?.query).toBe(`label_values(pleroma_local_users_total{job="\${${variables.job}}"}, instance)`);
    expect([job?.datasource, instance?.datasource]).toEqual([datasourceVariable, datasourceVariable]);
  });
});

describe("the dashboard provider file", () => {
  it("is what out/provisioning/dashboards.yaml holds", () => {
    const committed = join(projectRoot, outputs.provisioningFolder, outputs.provider);
    expect(readFileSync(committed, "utf8")).toBe(providerYaml());
  });

  it("makes Grafana read, and never write, the folder the documented recipe copies the dashboard to", () => {
    const readme = documentation()
      .map((page) => page.text)
      .join("\n");
    const copiedTo = new RegExp(`^cp out/provisioning/${outputs.provisionedDashboard} (\\S+?)/?$`, "m").exec(
      readme,
    )?.[1];
    const { providers } = parse(providerYaml()) as { providers: Record<string, unknown>[] };
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: "file", allowUiUpdates: false, options: { path: copiedTo } });
  });
});

describe("the import file", () => {
  it("still passes the schemas with its envelope", async () => {
    expect(validateDashboard(JSON.parse(await importFileText()))).toEqual([]);
  });
});

const kubernetesKinds = [
  ["prometheus-rule.yaml", "PrometheusRule"],
  ["vmrule.yaml", "VMRule"],
  ["prometheus-rule-dashboard-recordings.yaml", "PrometheusRule"],
  ["vmrule-dashboard-recordings.yaml", "VMRule"],
  ["service-monitor.yaml", "ServiceMonitor"],
  ["vm-service-scrape.yaml", "VMServiceScrape"],
  ["grafana-dashboard.yaml", "GrafanaDashboard"],
  ["grafana-manifest.yaml", "GrafanaManifest"],
] as const;

describe("akkoma-dashboards build with deployment values", () => {
  const folder = useTempFolder("akkoma-deploy-");
  const values = {
    datasourceUid: "P1809F7CD0C75ACF3",
    job: "fedi",
    instance: "social.example.org:443",
    uid: "akkoma-social",
    title: "Akkoma: social.example.org",
  };
  const carried = (file: string) => {
    const dashboard = JSON.parse(readFileSync(file, "utf8"));
    const { datasource, job, instance } = variablesOf(dashboard);
    return {
      uid: dashboard.uid,
      title: dashboard.title,
      datasourceUid: datasource?.current?.value,
      job: job?.current?.value,
      instance: instance?.current?.value,
    };
  };

  it("fills in the values given as flags", () => {
    const out = join(folder(), "social.json");
    const result = runCli([
      "build",
      "--out",
      out,
      ...Object.entries(values).flatMap(([field, value]) => [
        `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        value,
      ]),
    ]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain(`wrote ${out}`);
    expect(carried(out)).toEqual(values);
    expect(validatePlainDashboard(JSON.parse(readFileSync(out, "utf8")))).toEqual([]);
  });

  it.each(["yaml", "json"])("reads them from a %s config file; a flag overrides the file", (format) => {
    const config = join(folder(), `deploy.${format}`);
    const text =
      format === "json"
        ? JSON.stringify(values)
        : Object.entries(values)
            .map(([k, v]) => `${k}: "${v}"\n`)
            .join("");
    writeFileSync(config, text);
    const out = join(folder(), "social.json");
    const result = runCli(["build", "--config", config, "--title", "Social", "--out", out]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(carried(out)).toEqual({ ...values, title: "Social" });
  });

  it("--recorded writes the dashboard over recorded series, valid, rates taken over Grafana's window as the raw ones, one-value panels left raw but the 30-day budget", () => {
    const out = join(folder(), "recorded.json");
    const result = runCli(["build", "--uid", values.uid, "--recorded", "--out", out]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const recorded = JSON.parse(readFileSync(out, "utf8"));
    expect(validatePlainDashboard(recorded)).toEqual([]);
    const exprs = (dashboard: { panels: { type: string; targets?: { expr: string; instant?: boolean }[] }[] }) =>
      panelsIn(dashboard.panels).flatMap((panel) => panel.targets ?? []);
    const targets = exprs(recorded);
    const overRecorded = targets.filter((target) =>
      /\w+:\w+:\w+\{job="\$\{job\}",instance="\$\{instance\}"/.test(target.expr),
    );
    expect(overRecorded.length).toBeGreaterThanOrEqual(25);
    // A recorded counter sum is read as the raw counters are: its rate over $__rate_interval.
    for (const { expr } of overRecorded) {
      const sums = expr.match(/\w+:\w+:sum\{/g) ?? [];
      const rates = expr.match(/rate\(\w+:\w+:sum\{(?:[^{}]|\$\{\w+\})*\}\[\$__rate_interval\]\)/g) ?? [];
      expect(rates).toHaveLength(sums.length);
    }
    const instantOverRecorded = targets.filter((target) => target.instant && /:\w+:/.test(target.expr));
    expect(instantOverRecorded).toHaveLength(1);
    expect(instantOverRecorded[0]?.expr).toMatch(/^\(1\) - .*sum_over_time\(\w+:\w+:failed_increase1h\{.*\}\[30d\]\)/);
    const plain = join(folder(), "plain.json");
    runCli(["build", "--uid", values.uid, "--out", plain]);
    expect(exprs(JSON.parse(readFileSync(plain, "utf8"))).some((target) => /\w+:\w+:\w+\{/.test(target.expr))).toBe(
      false,
    );
  });

  it("wraps the dashboard in the HTTP API's body with --api-body, in the folder given", () => {
    const out = join(folder(), "body.json");
    const result = runCli(["build", "--uid", values.uid, "--folder", "akkoma-folder", "--api-body", "--out", out]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const body = JSON.parse(readFileSync(out, "utf8"));
    expect(Object.keys(body).sort()).toEqual(["dashboard", "folderUid", "message", "overwrite"]);
    expect(body).toMatchObject({
      folderUid: "akkoma-folder",
      overwrite: true,
      dashboard: { uid: values.uid, id: null },
    });
    expect(validatePlainDashboard(body.dashboard)).toEqual([]);
  });

  it("writes to out/rendered/<uid>.json and its rules without --out, never over the committed files", () => {
    const read = (file: string) => readFileSync(join(projectRoot, file), "utf8");
    const uid = `test-render-${process.pid}`;
    const base = join(outputs.renderedFolder, uid);
    const files = [`${base}.json`, `${base}.alerts.yml`, `${base}.alert-rules.json`, `${base}.slo-rules.yml`];
    const resources = [`${base}.v2.json`, `${base}.v2beta1.json`];
    try {
      const result = runCli(["build", "--uid", uid, "--job", "social", "--datasource-uid", "vm", "--folder", "f-1"]);
      expect(result).toMatchObject({ status: 0, stderr: "" });
      expect(result.stdout.split("\n").filter(Boolean)).toEqual([
        `wrote ${files[0]} (a dashboard with your values, for Terraform, provisioning or the HTTP API)`,
        `wrote ${files[1]} (its alert rules for Prometheus)`,
        `wrote ${files[3]} (its federation delivery objective's rules)`,
        `wrote ${files[2]} (its Grafana-managed alert rules, querying the data source with uid "vm")`,
        `wrote ${resources[0]} (the v2 resource, for Grafana 13: Git Sync, grafanactl, the dashboard API)`,
        `wrote ${resources[1]} (the v2beta1 resource, for Grafana 12.x with the v2 dashboard API)`,
        ...kubernetesKinds.map(([file, kind]) => `wrote ${base}.kubernetes/${file} (${kind} for Kubernetes)`),
      ]);
      expect(read(files[3]!)).toContain('job="social"');
      // Its alerts record what they read themselves: the recorded dashboard's rules only come with `recorded`.
      expect(existsSync(join(projectRoot, `${base}.dashboard-recording-rules.yml`))).toBe(false);
      expect(JSON.parse(read(files[0]!)).uid).toBe(uid);
      expect(parse(read(`${base}.kubernetes/grafana-dashboard.yaml`)).spec.folderUID).toBe("f-1");
      // The v2 resources carry the same values: their name is the uid, the folder their annotation.
      for (const [file, apiVersion] of [
        [resources[0]!, "dashboard.grafana.app/v2"],
        [resources[1]!, "dashboard.grafana.app/v2beta1"],
      ]) {
        const resource = JSON.parse(read(file));
        const datasource = resource.spec.variables.find((v: { kind: string }) => v.kind === "DatasourceVariable");
        expect({
          apiVersion: resource.apiVersion,
          metadata: resource.metadata,
          current: datasource.spec.current,
        }).toEqual({
          apiVersion,
          metadata: { name: uid, annotations: { "grafana.app/folder": "f-1" } },
          current: { text: "vm", value: "vm" },
        });
      }
      expect(parse(read(`${base}.kubernetes/grafana-manifest.yaml`)).spec.template).toEqual(
        JSON.parse(read(resources[0]!)),
      );
      expect(read(files[1]!)).toContain('job="social"');
      expect(read(files[1]!)).not.toContain('job="akkoma"');
      const grafana = JSON.parse(read(files[2]!)) as {
        groups: { rules: { dashboardUid: string; data: { datasourceUid: string }[] }[] }[];
      };
      for (const rule of grafana.groups[0]!.rules) {
        expect({ dashboardUid: rule.dashboardUid, datasourceUid: rule.data[0]!.datasourceUid }).toEqual({
          dashboardUid: uid,
          datasourceUid: "vm",
        });
      }
    } finally {
      for (const file of [...files, ...resources, `${base}.kubernetes`])
        rmSync(join(projectRoot, file), { force: true, recursive: true });
    }
  });

  it("writes no Grafana-managed rules without the data source uid they query, and says so", () => {
    const uid = `test-render-nods-${process.pid}`;
    const base = join(outputs.renderedFolder, uid);
    const runbook = "https://git.example.org/ops/runbook.md";
    try {
      const result = runCli(["build", "--uid", uid, "--job", "social", "--runbook-base-url", runbook]);
      expect(result).toMatchObject({ status: 0, stderr: "" });
      expect(result.stdout).toContain("note: no Grafana-managed alert rules: they need the uid of the data source");
      expect(result.stdout).toContain("--datasource-uid");
      expect(existsSync(join(projectRoot, `${base}.alert-rules.json`))).toBe(false);
      expect(readFileSync(join(projectRoot, `${base}.alerts.yml`), "utf8")).toContain(`runbook_url: ${runbook}#`);
    } finally {
      for (const file of [`${base}.json`, `${base}.alerts.yml`, `${base}.slo-rules.yml`, `${base}.kubernetes`].concat([
        `${base}.v2.json`,
        `${base}.v2beta1.json`,
      ])) {
        rmSync(join(projectRoot, file), { force: true, recursive: true });
      }
    }
  });

  const badConfigs: [string, string, RegExp][] = [
    ["an unknown field", "datasource_uid: abc\n", /: datasource_uid: unknown field \(known: datasourceUid, /],
    ["a wrong type", "datasourceUid: 42\n", /: datasourceUid: /],
    ["a uid Grafana refuses", "uid: has spaces\n", /: uid: /],
    ["not YAML", "job: [unclosed\n", /: not valid JSON or YAML at line \d+: /],
    ["not a mapping", "- a\n- b\n", /: must be a mapping of field: value/],
    ["a relative runbook address", "runbookBaseUrl: docs/runbook.md\n", /: runbookBaseUrl: /],
    [
      "a misspelt alert",
      "alerts:\n  AkkomaDwn: { for: 5m }\n",
      /: alerts\.AkkomaDwn: unknown field \(known: AkkomaDown, /,
    ],
    [
      "a threshold on an alert without one",
      "alerts:\n  AkkomaDown: { threshold: 1 }\n",
      /: alerts\.AkkomaDown\.threshold: unknown field \(known: enabled, severity, for, keep_firing_for, labels\)/,
    ],
    [
      "a duration Prometheus cannot read",
      "alerts:\n  AkkomaDown: { for: soon }\n",
      /: alerts\.AkkomaDown\.for: is not a Prometheus duration \(A Prometheus duration, e\.g\. 15m/,
    ],
    ["a label the rules set themselves", "alertLabels:\n  severity: page\n", /: alertLabels\.severity: is not a label/],
    [
      "a matcher on a bad label name",
      "selector:\n  matchers:\n    my-cluster: eu1\n",
      /: selector\.matchers\.my-cluster: /,
    ],
    [
      "an unknown selector field",
      "selector:\n  job_label: service\n",
      /: selector\.job_label: unknown field \(known: jobLabel, matchers, groupBy\)/,
    ],
  ];
  it.each(badConfigs)("refuses a config file with %s in one line naming it, exit 2", (_, text, message) => {
    const config = join(folder(), "deploy.yaml");
    writeFileSync(config, text);
    const out = join(folder(), "never.json");
    const result = runCli(["build", "--config", config, "--out", out]);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(new RegExp(`^akkoma-dashboards: --config ${config}${message.source}`));
    expect(result.stdout).toBe("");
  });

  it("refuses an unreadable config file in one line, exit 2", () => {
    const config = join(folder(), "missing.yaml");
    const result = runCli(["build", "--config", config]);
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toBe(
      `akkoma-dashboards: --config ${config}: no such file (--config expects a JSON or YAML file of deployment values)\n`,
    );
  });

  it("names a bad flag value by its flag", () => {
    const result = runCli(["build", "--instance", "", "--out", join(folder(), "x.json")]);
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toBe("akkoma-dashboards: --instance: needs a value\n");
  });
});

// No Kubernetes or Grafana here: the manifests of the README and docs/ are checked for what they claim.
describe("the documented recipes", () => {
  const pages = documentation();
  const readme = pages.map((page) => page.text).join("\n");
  const yamlBlocks = codeBlocks(pages, ["yaml"]);
  const folder = useTempFolder("akkoma-readme-");

  it("the Operator's GrafanaDashboard reads the provisioning file from the sidecar's ConfigMap", () => {
    const [manifest] = yamlBlocks.filter((b) => b.includes("kind: GrafanaDashboard")).map((b) => parse(b));
    expect(manifest).toMatchObject({
      apiVersion: "grafana.integreatly.org/v1beta1",
      spec: {
        instanceSelector: { matchLabels: expect.any(Object) },
        configMapRef: { key: outputs.provisionedDashboard },
      },
    });
    const configMap = manifest.spec.configMapRef.name;
    expect(readme).toContain(
      `create configmap ${configMap} --from-file=${outputs.provisionedDashboard}=${outputs.provisioningFolder}/${outputs.provisionedDashboard}`,
    );
    expect(readme).toContain(`label configmap ${configMap} grafana_dashboard=1`);
  });

  it("the example config file's folder (for --api-body) brings no note about a flag never given", () => {
    const example = yamlBlocks.find((b) => b.startsWith("# social.yaml"));
    const config = join(folder(), "social.yaml");
    writeFileSync(config, example ?? "");
    const out = join(folder(), "social.json");
    const result = runCli(["build", "--config", config, "--out", out]);
    expect(result).toEqual({ status: 0, stdout: expect.stringMatching(/^wrote [^\n]*\n$/), stderr: "" });
    const withFlag = runCli(["build", "--uid", "social", "--folder", "akkoma", "--out", out]);
    expect(withFlag.stdout).toMatch(/\nnote: --folder goes into the HTTP API body only/);
  });

  it("the example config file renders, carrying its values", () => {
    const example = yamlBlocks.find((b) => b.startsWith("# social.yaml"));
    if (!example) throw new Error("the README has no social.yaml example");
    const config = join(folder(), "social.yaml");
    writeFileSync(config, example);
    const out = join(folder(), "social.json");
    expect(runCli(["build", "--config", config, "--out", out])).toMatchObject({ status: 0, stderr: "" });
    const values = parse(example);
    const dashboard = JSON.parse(readFileSync(out, "utf8"));
    expect({ uid: dashboard.uid, title: dashboard.title }).toEqual({ uid: values.uid, title: values.title });
    expect(variablesOf(dashboard).instance?.current?.value).toBe(values.instance);
  });
});

// The README and docs/ followed to the letter, on a fresh machine: commands that work outside a published
// package, a CI that pins a commit on a supported Node, HTTP errors that stop curl, scripts that exist.
describe("the documented commands", () => {
  const pages = documentation();
  const blocks = codeBlocks(pages, ["sh", "yaml"]);

  const { version } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };

  it("runs no package from the registry, where it is not published: a packed tarball or the installed one", () => {
    const runs = blocks.join("\n").match(/npx [^\n]*akkoma-dashboards\S*/g) ?? [];
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run).not.toMatch(/akkoma-dashboards@/);
    for (const run of runs.filter((r) => r.includes("--package")))
      expect(run).toContain(`--package ./akkoma-dashboards-${version}.tgz akkoma-dashboards`);
  });

  it("CI snippets pin a commit, install its packed tarball on Node 22 or 24, and one checks Akkoma's own dashboard", () => {
    const ci = blocks.filter((block) => block.includes("check --telemetry") && block.includes("image:"));
    expect(ci.length).toBeGreaterThan(0);
    for (const block of ci) {
      expect(block).toMatch(/image: node:(22|24)\n/);
      expect(block).toContain("checkout PINNED_COMMIT");
      expect(block).toContain(`npm install --no-save /tmp/dashboards/akkoma-dashboards-${version}.tgz`);
      const runs = block.split("\n").filter((line) => line.includes("akkoma-dashboards check"));
      for (const line of runs) expect(line).toContain("npx akkoma-dashboards check ");
      expect(block).toMatch(/check --dashboard installation\/grafana_dashboard\.json /);
    }
  });

  it("every npm run names a script of package.json, and the CLI is run by its built path", () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const text = pages.map((page) => page.text).join("\n");
    const named = [...text.matchAll(/\bnpm run ([\w-]+(?::[\w-]+)?)/g)].map((m) => m[1] as string);
    expect(named).toContain("build");
    expect(named.filter((name) => !(name in scripts))).toEqual([]);
    const runs = blocks.join("\n").match(/node \S*akkoma-dashboards\S*/g) ?? [];
    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) expect(run).toBe(`node ${relative(projectRoot, cliPath)}`);
  });

  it("every akkoma-dashboards command and flag shown is one the CLI takes", () => {
    const lines = blocks
      .flatMap((block) => block.split("\n"))
      .map((line) => /akkoma-dashboards(?:\.js)? ([a-z]+)((?: [^#]*)?)/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null);
    const commands = new Set(lines.map((match) => match[1] as string));
    expect([...commands].sort()).toEqual(["build", "check", "setup", "tune"]);
    const help = new Map([...commands].map((command) => [command, runCli([command, "--help"]).stdout]));
    const unknown = lines.flatMap((match) =>
      (match[2]!.match(/--[a-z-]+/g) ?? [])
        .filter((flag) => !new RegExp(`(^|\\s)${flag}(\\s|,|$)`, "m").test(help.get(match[1]!) ?? ""))
        .map((flag) => `${match[1]} ${flag}`),
    );
    expect(unknown).toEqual([]);
  });

  it("every curl fails on an HTTP error (-f)", () => {
    const curls = blocks.flatMap((block) => block.split("\n")).filter((line) => /\bcurl\b/.test(line));
    expect(curls.length).toBeGreaterThan(0);
    for (const line of curls) expect(line).toMatch(/curl -f/);
  });
});
