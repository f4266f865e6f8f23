// The Kubernetes forms: each resource passes its operator's CRD schema (closed: a misspelt field fails),
// stays under what a Kubernetes object may hold, carries both rule files' groups, scrapes with the token
// from a Secret as the rules' job, and out/kubernetes/ holds what the code renders.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { kubernetesFiles, refuseInvalid } from "../../build/kubernetes";
import { plainDashboard } from "../../build/outputs";
import { recordingRulesFile, prometheusRulesFile, ruleGroups, sloRulesFile } from "../../build/rules";
import serviceMonitorCrd from "../../build/schemas/kubernetes/ServiceMonitor.json";
import vmServiceScrapeCrd from "../../build/schemas/kubernetes/VMServiceScrape.json";
import { kubernetes as settings, outputs } from "../../config";
import { projectRoot } from "../support/build";
import { promtool } from "../support/promtool";

const render = async (rendering = {}) =>
  kubernetesFiles({ ...ruleGroups(rendering), dashboardJson: await plainDashboard(), job: "akkoma", jobLabel: "job" });
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
    /^service-monitor\.yaml \(ServiceMonitor\): \/spec\/endpoints\/0: must NOT have additional properties/,
  );
  const scrape = resource(await render(), "VMServiceScrape");
  scrape.spec.endpoints[0].interval = 60;
  expect(() => refuseInvalid(vmServiceScrapeCrd, scrape, "vm-service-scrape.yaml")).toThrow(
    /\/spec\/endpoints\/0\/interval: must be string/,
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
