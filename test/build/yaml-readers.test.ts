// Every YAML file the tool writes reads the same to a YAML 1.1 reader as to a YAML 1.2 one: Kubernetes
// (sigs.k8s.io/yaml, YAML 1.1 into JSON) takes an unquoted `page: yes` for `true` and refuses it as a label,
// and vmalert's YAML 1.1 reader takes `0755` for a number. Strings those readers would misread are quoted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { kubernetesFiles } from "../../build/kubernetes";
import { providerYaml } from "../../build/provisioning";
import { prometheusRulesFile, recordingRulesFile, ruleGroups, sloRulesFile } from "../../build/rules";
import schema from "../../deploy/values.schema.json";
import { yamlText } from "../../io/yaml";
import { datasourcesYaml, scrapeConfigYaml } from "../../setup/scrape";
import { promtool } from "../support/promtool";

/** Strings a YAML 1.1 reader takes for a boolean, a null, a number or a date when written plain. */
const ambiguous = [
  ...["yes", "Yes", "YES", "no", "No", "on", "On", "off", "OFF", "y", "Y", "n", "N"],
  ...["true", "False", "~", "null", "NULL", ""],
  ...["0755", "1e3", "12e03", "0x1F", "0b101", "1_000", "+1", ".5", ".inf", "-.Inf", ".NaN", "1:20", "2001-12-14"],
];
const asLabels = (values: readonly string[]) => Object.fromEntries(values.map((value, i) => [`l${i}`, value]));

/** The Kubernetes label values among them (a letter or digit at each end): the rest the values file refuses. */
const labelValue = new RegExp(schema.properties.kubernetes.properties.labels.additionalProperties.pattern);
const kubernetesValues = ambiguous.filter((value) => labelValue.test(value));

const readers = (text: string) => ({ "YAML 1.1": parse(text, { version: "1.1" }), "YAML 1.2": parse(text) });

it("yamlText quotes every string a YAML 1.1 or 1.2 reader would take for something else, keys too", () => {
  const object = { labels: asLabels(ambiguous), keys: Object.fromEntries(ambiguous.map((value) => [value, value])) };
  const text = yamlText(object);
  expect(readers(text)).toEqual({ "YAML 1.1": object, "YAML 1.2": object });
  // Nothing else is quoted: a PromQL expression stays as it is written, on one line.
  const expr = `sum by(job) (rate(x{job="akkoma"}[5m])) > 0.1 ${"or vector(0) ".repeat(20)}`.trim();
  expect(yamlText({ expr, name: "akkoma" })).toBe(`expr: ${expr}\nname: akkoma\n`);
});

describe("every written YAML form carries an ambiguous string as the string it is", () => {
  const labels = asLabels(ambiguous);
  const rendering = { labels, tuning: { AkkomaDown: { labels: { page: "yes", team: "0755" } } } };
  const ruleFiles = {
    "alert rule file": prometheusRulesFile(rendering),
    "objective's rule file": sloRulesFile(rendering),
    "recording rule file": recordingRulesFile(rendering),
  };
  const resources = kubernetesFiles({
    ...ruleGroups(rendering),
    dashboardJson: "{}",
    dashboardResource: { apiVersion: "dashboard.grafana.app/v2", kind: "Dashboard", metadata: { name: "yes" } },
    job: "yes",
    jobLabel: "job",
    folderUid: "no",
    values: {
      labels: asLabels(kubernetesValues),
      serviceSelector: { app: "on" },
      port: "yes",
      tokenSecret: { name: "y", key: "0755" },
    },
  });
  const forms: [string, string][] = [
    ...Object.entries(ruleFiles),
    ...resources.map(({ file, kind, content }): [string, string] => [`${kind} (${file})`, content]),
    ["Grafana dashboard provider", providerYaml()],
    [
      "scrape job",
      scrapeConfigYaml({
        engine: "prometheus",
        job: "yes",
        target: { scheme: "http", address: "on:80" },
        tokenPath: "/etc/token",
      }),
    ],
    ["Grafana data source", datasourcesYaml("prometheus", "http://localhost:9090")],
  ];

  it("covers every Kubernetes kind the build writes", () => {
    expect(new Set(resources.map(({ kind }) => kind))).toEqual(
      new Set(["PrometheusRule", "VMRule", "ServiceMonitor", "VMServiceScrape", "GrafanaDashboard", "GrafanaManifest"]),
    );
  });

  it.each(forms)("%s reads the same under YAML 1.1 as under 1.2", (_, text) => {
    const { "YAML 1.1": old, "YAML 1.2": current } = readers(text);
    expect(old).toEqual(current);
  });

  it("every alert carries each label value as a string, in the rule files and the rule resources", () => {
    const alertsOf = (groups: { rules: { alert?: string; labels?: object }[] }[]) =>
      groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
    const kinds = resources.filter(
      ({ kind, file }) => /^(PrometheusRule|VMRule)$/.test(kind) && !/recordings/.test(file),
    );
    const alertGroups = [
      ...[ruleFiles["alert rule file"], ruleFiles["objective's rule file"]].map(
        (text) => parse(text, { version: "1.1" }).groups,
      ),
      ...kinds.map(({ content }) => parse(content, { version: "1.1" }).spec.groups),
    ];
    for (const groups of alertGroups) {
      const alerts = alertsOf(groups);
      expect(alerts.length).toBeGreaterThan(0);
      for (const alert of alerts) expect(alert.labels).toMatchObject(labels);
    }
  });

  it("every resource carries its labels, port, Secret key and folder as strings", () => {
    for (const { content } of resources) {
      const { metadata, spec } = parse(content, { version: "1.1" });
      expect(metadata.labels).toMatchObject(asLabels(kubernetesValues));
      if (spec.endpoints) expect(spec.endpoints[0]).toMatchObject({ port: "yes" });
      if (spec.selector) expect(spec.selector.matchLabels).toEqual({ app: "on" });
    }
    const dashboard = resources.find(({ kind }) => kind === "GrafanaDashboard")!;
    expect(parse(dashboard.content, { version: "1.1" }).spec.folderUID).toBe("no");
  });

  it("promtool (yaml.v3 into Go structs) accepts the rule files and loads every alert", () => {
    const folder = mkdtempSync(join(tmpdir(), "akkoma-yaml-"));
    try {
      for (const [name, text] of Object.entries(ruleFiles)) {
        const file = `${name.replace(/\W+/g, "-")}.yml`;
        writeFileSync(join(folder, file), text);
        if (name === "alert rule file") expect(text).toContain('page: "yes"');
        const check = promtool(["check", "rules", file], folder);
        expect({ name, status: check.status, output: check.output }).toEqual({
          name,
          status: 0,
          output: expect.stringContaining("SUCCESS"),
        });
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
