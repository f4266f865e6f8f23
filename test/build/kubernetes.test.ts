// The Kubernetes forms: each resource passes its operator's CRD schema (closed: a misspelt field fails),
// stays under what a Kubernetes object may hold, carries both rule files' groups, scrapes with the token
// from a Secret as the rules' job, and out/kubernetes/ holds what the code renders.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { kubernetesFiles, refuseInvalid } from "../../build/kubernetes";
import { plainDashboard, plainResources } from "../../build/outputs";
import { recordingRulesFile, prometheusRulesFile, ruleGroups, sloRulesFile } from "../../build/rules";
import prometheusRuleCrd from "../../build/schemas/kubernetes/PrometheusRule.json";
import serviceMonitorCrd from "../../build/schemas/kubernetes/ServiceMonitor.json";
import vmServiceScrapeCrd from "../../build/schemas/kubernetes/VMServiceScrape.json";
import { kubernetes as settings, outputs } from "../../config";
import { projectRoot } from "../support/build";
import { promtool } from "../support/promtool";

const render = async (rendering = {}) =>
  kubernetesFiles({
    ...ruleGroups(rendering),
    dashboardJson: await plainDashboard(),
    dashboardResource: plainResources().dashboardv2,
    job: "akkoma",
    jobLabel: "job",
  });
const resource = (files: Awaited<ReturnType<typeof render>>, kind: string) =>
  parse(files.find((file) => file.kind === kind)!.content);

it("out/kubernetes holds what the code renders, each resource under 1 MiB", async () => {
  for (const { file, content } of await render()) {
    expect(readFileSync(join(projectRoot, outputs.kubernetesFolder, file), "utf8")).toBe(content);
    expect(Buffer.byteLength(content)).toBeLessThan(settings.maxResourceBytes);
  }
});

it("PrometheusRule and VMRule hold the alert groups, and apart the recorded dashboard's, which promtool accepts", async () => {
  const files = await render();
  const forms = [
    ["", [...parse(prometheusRulesFile()).groups, ...parse(sloRulesFile()).groups]],
    ["-dashboard-recordings", parse(recordingRulesFile()).groups],
  ] as const;
  const folder = mkdtempSync(join(tmpdir(), "akkoma-kubernetes-"));
  try {
    for (const [file, kind] of [
      ["prometheus-rule", "PrometheusRule"],
      ["vmrule", "VMRule"],
    ]) {
      for (const [suffix, groups] of forms) {
        const { spec, metadata } = parse(files.find((one) => one.file === `${file}${suffix}.yaml`)!.content);
        expect({ kind, name: metadata.name, groups: spec.groups }).toEqual({
          kind,
          name: `${settings.name}${suffix}`,
          groups,
        });
        writeFileSync(join(folder, `${kind}${suffix}.yml`), stringify(spec, { lineWidth: 0 }));
        const check = promtool(["check", "rules", `${kind}${suffix}.yml`], folder);
        expect(check.output).toContain("SUCCESS");
        expect(check.status).toBe(0);
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

it("both scrapes read the token from the Secret and name the job the rules select", async () => {
  const files = await render({ job: "social", target: { jobLabel: "service" } });
  const withJob = kubernetesFiles({
    ...ruleGroups({ job: "social", target: { jobLabel: "service" } }),
    dashboardJson: "{}",
    job: "social",
    jobLabel: "service",
  });
  const monitor = resource(withJob, "ServiceMonitor").spec.endpoints[0];
  expect(monitor).toMatchObject({
    path: "/api/v1/akkoma/metrics",
    authorization: { type: "Bearer", credentials: settings.tokenSecret },
    relabelings: [{ targetLabel: "service", replacement: "social" }],
  });
  const scrape = resource(withJob, "VMServiceScrape").spec.endpoints[0];
  expect(scrape).toMatchObject({
    path: "/api/v1/akkoma/metrics",
    bearerTokenSecret: settings.tokenSecret,
    relabelConfigs: [{ targetLabel: "service", replacement: "social" }],
  });
  expect(resource(files, "GrafanaDashboard").spec.json).toBe(await plainDashboard());
});

it("a field the operator does not know, or of the wrong type, is refused naming the file and field", async () => {
  const monitor = resource(await render(), "ServiceMonitor");
  monitor.spec.endpoints[0].bearerTokenSecrets = { name: "x", key: "y" };
  expect(() => refuseInvalid(serviceMonitorCrd, monitor, "service-monitor.yaml")).toThrow(
    /^service-monitor\.yaml \(ServiceMonitor\): \/spec\/endpoints\/0: .* \(monitoring\.coreos\.com\/v1's published CRD schema rejects this\)$/,
  );
  const scrape = resource(await render(), "VMServiceScrape");
  scrape.spec.endpoints[0].interval = 60;
  expect(() => refuseInvalid(vmServiceScrapeCrd, scrape, "vm-service-scrape.yaml")).toThrow(
    /^vm-service-scrape\.yaml \(VMServiceScrape\): \/spec\/endpoints\/0\/interval: /,
  );
});

// Without a folder the grafana-operator files the dashboard under the namespace's name.
it("the GrafanaDashboard names its folder: by title, or the values' folder uid, never both", async () => {
  const spec = (folderUid?: string) =>
    resource(
      kubernetesFiles({ ...ruleGroups(), dashboardJson: "{}", job: "akkoma", jobLabel: "job", folderUid }),
      "GrafanaDashboard",
    ).spec;
  expect(resource(await render(), "GrafanaDashboard").spec).toMatchObject({ folder: settings.grafanaFolder });
  expect(settings.grafanaFolder).toBe("Akkoma");
  expect(spec("akkoma-folder")).toMatchObject({ folderUID: "akkoma-folder" });
  // The CRD's CEL rules (x-kubernetes-validations), which its JSON schema alone does not check.
  expect(spec("akkoma-folder")).not.toHaveProperty("folder");
  expect(spec()).not.toHaveProperty("folderUID");
});

it("the GrafanaManifest carries the v2 resource as build writes it, and its folder as the resource's annotation", async () => {
  const manifest = resource(await render(), "GrafanaManifest");
  expect(manifest.spec.instanceSelector).toEqual({ matchLabels: settings.grafanaInstanceLabels });
  expect(manifest.spec.template).toEqual(
    JSON.parse(readFileSync(join(projectRoot, outputs.resourcesFolder, "v2", outputs.provisionedDashboard), "utf8")),
  );
  const inFolder = kubernetesFiles({
    ...ruleGroups(),
    dashboardJson: "{}",
    dashboardResource: plainResources({ uid: "social" }, "akkoma-folder").dashboardv2,
    job: "akkoma",
    jobLabel: "job",
  });
  expect(resource(inFolder, "GrafanaManifest").spec.template.metadata).toEqual({
    name: "social",
    annotations: { "grafana.app/folder": "akkoma-folder" },
  });
});

describe("the values' namespace, labels, Service, port, scheme and Secret", () => {
  const values = {
    namespace: "fediverse",
    labels: { release: "kube-prometheus-stack" },
    serviceSelector: { "app.kubernetes.io/instance": "social" },
    port: "metrics",
    scheme: "https" as const,
    tokenSecret: { name: "social-token", key: "bearer" },
  };
  const files = () => kubernetesFiles({ ...ruleGroups(), dashboardJson: "{}", job: "akkoma", jobLabel: "job", values });
  /** A label selector's `matchLabels`, as the operators apply it to a resource's labels. */
  const selects = (matchLabels: Record<string, string>, labels: Record<string, string> = {}) =>
    Object.entries(matchLabels).every(([key, value]) => labels[key] === value);

  it("let kube-prometheus-stack's default ruleSelector and serviceMonitorSelector pick the resources up", () => {
    // kube-prometheus-stack's Prometheus selects `release: <release name>` in every namespace by default.
    const kubePrometheusStack = { matchLabels: { release: "kube-prometheus-stack" } };
    for (const file of files().filter(({ kind }) => kind === "PrometheusRule" || kind === "ServiceMonitor")) {
      const { metadata } = parse(file.content);
      expect({
        file: file.file,
        namespace: metadata.namespace,
        selected: selects(kubePrometheusStack.matchLabels, metadata.labels),
      }).toEqual({ file: file.file, namespace: "fediverse", selected: true });
    }
    // Without them, the default selector picks none: what the values are for.
    const unlabelled = kubernetesFiles({ ...ruleGroups(), dashboardJson: "{}", job: "akkoma", jobLabel: "job" });
    for (const file of unlabelled)
      expect(selects(kubePrometheusStack.matchLabels, parse(file.content).metadata.labels)).toBe(false);
  });

  it("let the VictoriaMetrics operator's VMAlert and VMAgent selectors on the same labels pick VMRule and VMServiceScrape up", () => {
    const vmSelector = { matchLabels: values.labels };
    const vm = files().filter(({ kind }) => kind === "VMRule" || kind === "VMServiceScrape");
    expect(vm.map(({ file }) => file).sort()).toEqual(
      ["vm-service-scrape.yaml", "vmrule-dashboard-recordings.yaml", "vmrule.yaml"].sort(),
    );
    for (const file of vm) {
      const { metadata } = parse(file.content);
      expect({
        file: file.file,
        namespace: metadata.namespace,
        selected: selects(vmSelector.matchLabels, metadata.labels),
      }).toEqual({ file: file.file, namespace: "fediverse", selected: true });
    }
  });

  it("put the GrafanaDashboard and GrafanaManifest where the Grafana Operator matches them: the Grafana instance's namespace", () => {
    const namespaces = (given: typeof values & { grafanaNamespace?: string }) =>
      Object.fromEntries(
        kubernetesFiles({
          ...ruleGroups(),
          dashboardJson: "{}",
          dashboardResource: plainResources().dashboardv2,
          job: "akkoma",
          jobLabel: "job",
          values: given,
        }).map(({ kind, file, content }) => [file, [kind, parse(content).metadata.namespace]]),
      );
    // The operator matches a dashboard only with Grafanas in its own namespace (allowCrossNamespaceImport off).
    const apart = namespaces({ ...values, grafanaNamespace: "monitoring" });
    expect(Object.values(apart).filter(([kind]) => kind.startsWith("Grafana"))).toEqual([
      ["GrafanaDashboard", "monitoring"],
      ["GrafanaManifest", "monitoring"],
    ]);
    expect(
      Object.values(apart)
        .filter(([kind]) => !kind.startsWith("Grafana"))
        .map(([, ns]) => ns),
    ).toEqual(Array(6).fill("fediverse"));
    // Left out, every resource shares the values' namespace.
    expect(new Set(Object.values(namespaces(values)).map(([, ns]) => ns))).toEqual(new Set(["fediverse"]));
    for (const { content } of kubernetesFiles({ ...ruleGroups(), dashboardJson: "{}", job: "akkoma", jobLabel: "job" }))
      expect(parse(content).metadata.namespace).toBeUndefined();
  });

  it("point both scrapes at the values' Service, port, scheme and Secret", () => {
    const monitor = resource(files(), "ServiceMonitor").spec;
    expect(monitor.selector).toEqual({ matchLabels: values.serviceSelector });
    expect(monitor.endpoints[0]).toMatchObject({
      port: "metrics",
      scheme: "https",
      authorization: { type: "Bearer", credentials: values.tokenSecret },
    });
    const scrape = resource(files(), "VMServiceScrape").spec;
    expect(scrape.selector).toEqual({ matchLabels: values.serviceSelector });
    expect(scrape.endpoints[0]).toMatchObject({
      port: "metrics",
      scheme: "https",
      bearerTokenSecret: values.tokenSecret,
    });
  });
});

describe("a dashboard uid Kubernetes would not take as a name", () => {
  const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const named = async (uid: string) =>
    kubernetesFiles({
      ...ruleGroups({}),
      dashboardJson: await plainDashboard({ uid }),
      dashboardResource: plainResources({ uid }).dashboardv2,
      job: "akkoma",
      jobLabel: "job",
      name: uid,
    }).map(({ kind, content }) => ({ kind, resource: parse(content) }));

  it.each(["Akkoma_EU1", "_akkoma_", "A-".repeat(20), "__"])(
    "%s names every resource as the API server allows",
    async (uid) => {
      for (const { resource } of await named(uid)) {
        expect(resource.metadata.name).toMatch(dns1123Subdomain);
        expect(resource.metadata.name.length).toBeLessThanOrEqual(253);
      }
    },
  );

  it("keeps the uid itself inside: the dashboard is still found by it", async () => {
    const files = await named("Akkoma_EU1");
    const manifest = files.find((file) => file.kind === "GrafanaManifest")!.resource;
    expect(manifest.metadata.name).toBe("akkoma-eu1");
    expect(manifest.spec.template.metadata.name).toBe("Akkoma_EU1");
    const dashboard = files.find((file) => file.kind === "GrafanaDashboard")!.resource;
    expect(dashboard.metadata.name).toBe("akkoma-eu1");
    expect(JSON.parse(dashboard.spec.json).uid).toBe("Akkoma_EU1");
  });

  it("a name the API server refuses is refused at build, naming the file", () => {
    const rule = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "Akkoma_EU1" },
      spec: {},
    };
    expect(() => refuseInvalid(prometheusRuleCrd, rule, "prometheus-rule.yaml")).toThrow(
      /prometheus-rule\.yaml \(PrometheusRule\): \/metadata\/name: "Akkoma_EU1" is not a Kubernetes object name/,
    );
  });
});
