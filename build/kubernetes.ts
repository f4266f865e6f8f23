// The Kubernetes forms: the rules as PrometheusRule (prometheus-operator) and VMRule (VictoriaMetrics
// operator), the scrape as ServiceMonitor and VMServiceScrape with the token from a Secret, and the
// dashboard as a GrafanaDashboard (Grafana Operator, v1 JSON) and as a GrafanaManifest (its v2 resource, which
// GrafanaDashboard cannot carry). Each is checked against its operator's CRD schema
// (schemas/kubernetes/) and refused above what a Kubernetes object may hold.
import type { ValidateFunction } from "ajv";
import { yamlText } from "../io/yaml";
import { kubernetes as settings } from "../config";
import type { KubernetesValues } from "../deploy/values";
import { DashboardError } from "../errors";
import grafanaDashboardCrd from "./schemas/kubernetes/GrafanaDashboard.json";
import grafanaManifestCrd from "./schemas/kubernetes/GrafanaManifest.json";
import prometheusRuleCrd from "./schemas/kubernetes/PrometheusRule.json";
import serviceMonitorCrd from "./schemas/kubernetes/ServiceMonitor.json";
import vmRuleCrd from "./schemas/kubernetes/VMRule.json";
import vmServiceScrapeCrd from "./schemas/kubernetes/VMServiceScrape.json";

export interface Crd {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly schema: object;
}

export interface KubernetesInputs {
  /** The alerts' rule file (with the recordings they read) and the recorded dashboard's, as objects. */
  readonly alertRules: { groups: readonly object[] };
  readonly dashboardRecordingRules: { groups: readonly object[] };
  /** The dashboard as provisioned (no import placeholders), as JSON text. */
  readonly dashboardJson: string;
  /**
   * The same dashboard as a `dashboard.grafana.app` resource (build/v2.ts), its folder uid annotated if
   * known: given, it becomes a GrafanaManifest too (`build` always gives it).
   */
  readonly dashboardResource?: object;
  /** The scrape job the rules select: the scrape sets it, whatever the Service is called. */
  readonly job: string;
  /** The label the rules read the job from. */
  readonly jobLabel: string;
  /** Resource names (default: the config's). */
  readonly name?: string;
  /** The values' Grafana folder uid (an existing folder); left out, the folder titled as the config says. */
  readonly folderUid?: string;
  readonly values?: KubernetesValues;
}

const fixedLabels = { "app.kubernetes.io/name": settings.name, "app.kubernetes.io/part-of": "akkoma" };

const resourceIn = (values: KubernetesValues) => (crd: Crd, name: string, spec: object) => ({
  apiVersion: `${crd.group}/${crd.version}`,
  kind: crd.kind,
  metadata: {
    name,
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    labels: { ...values.labels, ...fixedLabels },
  },
  spec,
});

/** One file a resource: its name under out/kubernetes/, and its YAML. */
export function kubernetesFiles(inputs: KubernetesInputs): { file: string; kind: string; content: string }[] {
  const name = kubernetesName(inputs.name ?? settings.name);
  // Apart, as the rule files are: a cluster that does not use the recorded dashboard leaves them out.
  const recordings = { groups: inputs.dashboardRecordingRules.groups };
  const alerting = { groups: inputs.alertRules.groups };
  const recordingsName = `${name}${recordingsSuffix}`;
  const values = inputs.values ?? {};
  const resource = resourceIn(values);
  // The Grafana Operator matches a dashboard only with the Grafana instances in its own namespace.
  const grafanaResource = resourceIn({ ...values, namespace: values.grafanaNamespace ?? values.namespace });
  const token = { ...settings.tokenSecret, ...values.tokenSecret };
  const endpoint = {
    port: values.port ?? settings.service.port,
    ...(values.scheme === undefined ? {} : { scheme: values.scheme }),
    path: settings.metricsPath,
    interval: settings.scrapeInterval,
  };
  const selector = { matchLabels: { ...(values.serviceSelector ?? settings.service.matchLabels) } };
  const resources: [string, Crd, object][] = [
    ["prometheus-rule.yaml", prometheusRuleCrd, resource(prometheusRuleCrd, name, alerting)],
    ["vmrule.yaml", vmRuleCrd, resource(vmRuleCrd, name, alerting)],
    [
      "prometheus-rule-dashboard-recordings.yaml",
      prometheusRuleCrd,
      resource(prometheusRuleCrd, recordingsName, recordings),
    ],
    ["vmrule-dashboard-recordings.yaml", vmRuleCrd, resource(vmRuleCrd, recordingsName, recordings)],
    [
      "service-monitor.yaml",
      serviceMonitorCrd,
      resource(serviceMonitorCrd, name, {
        selector,
        endpoints: [
          {
            ...endpoint,
            authorization: { type: "Bearer", credentials: token },
            relabelings: [{ targetLabel: inputs.jobLabel, replacement: inputs.job }],
          },
        ],
      }),
    ],
    [
      "vm-service-scrape.yaml",
      vmServiceScrapeCrd,
      resource(vmServiceScrapeCrd, name, {
        selector,
        endpoints: [
          {
            ...endpoint,
            bearerTokenSecret: token,
            relabelConfigs: [{ targetLabel: inputs.jobLabel, replacement: inputs.job }],
          },
        ],
      }),
    ],
    [
      "grafana-dashboard.yaml",
      grafanaDashboardCrd,
      grafanaResource(grafanaDashboardCrd, name, {
        instanceSelector: { matchLabels: { ...settings.grafanaInstanceLabels } },
        // The CRD's rules allow `folder` or `folderUID`, never both.
        ...(inputs.folderUid === undefined ? { folder: settings.grafanaFolder } : { folderUID: inputs.folderUid }),
        json: inputs.dashboardJson,
      }),
    ],
    ...(inputs.dashboardResource === undefined
      ? []
      : ([
          [
            "grafana-manifest.yaml",
            grafanaManifestCrd,
            grafanaResource(grafanaManifestCrd, name, {
              instanceSelector: { matchLabels: { ...settings.grafanaInstanceLabels } },
              // Grafana files it by the template's folder annotation (a folder uid); without one, in General.
              template: inputs.dashboardResource,
            }),
          ],
        ] as [string, Crd, object][])),
  ];
  return resources.map(([file, crd, object]) => {
    refuseInvalid(crd, object, file);
    const content = `# Generated by \`akkoma-dashboards build\` (do not edit; see README, "Kubernetes").\n${yamlText(object)}`;
    if (Buffer.byteLength(content) > settings.maxResourceBytes) {
      throw new DashboardError(
        file,
        `is ${Buffer.byteLength(content)} bytes`,
        "a Kubernetes object holds at most 1 MiB",
      );
    }
    return { file, kind: crd.kind, content };
  });
}

/**
 * An object's name as Kubernetes allows it (a DNS-1123 subdomain: lower case, digits, "-" and "."), from a
 * Grafana uid, which may hold capitals and "_" (never "." in a values file): `Akkoma_EU1` names its resources `akkoma-eu1`. The dashboard
 * keeps its uid inside them. Two uids differing only so share their resources' names.
 */
export function kubernetesName(uid: string): string {
  const name = uid
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, kubernetesNameLimit - recordingsSuffix.length);
  return name.replace(/[^a-z0-9]+$/, "") || settings.name;
}

/** Kubernetes' longest object name, and the recordings' suffix, the longest a resource adds to it. */
const kubernetesNameLimit = 253;
const recordingsSuffix = "-dashboard-recordings";
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const validators = new Map<string, ValidateFunction>();

/** Throws naming the file and the first field its operator's CRD schema rejects. */
export function refuseInvalid(crd: Crd, object: object, file: string): void {
  // The API server's own rule, which no CRD schema states.
  const name = (object as { metadata?: { name?: unknown } }).metadata?.name;
  if (typeof name !== "string" || name.length > kubernetesNameLimit || !dns1123Subdomain.test(name)) {
    throw new DashboardError(
      `${file} (${crd.kind})`,
      `/metadata/name: ${JSON.stringify(name)} is not a Kubernetes object name`,
      "lower-case letters, digits, '-' and '.', at most 253 characters, a letter or digit at each end",
    );
  }
  let validate = validators.get(crd.kind);
  if (!validate) {
    // Loaded on first use: a plain dashboard build needs no ajv compiler.
    const Ajv = (require("ajv") as typeof import("ajv")).default;
    // The CRDs use Kubernetes' own keywords (x-kubernetes-*) and formats; neither constrains what we write.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
    validate = ajv.compile(closed(crd.schema));
    validators.set(crd.kind, validate);
  }
  if (validate(object)) return;
  const [error] = validate.errors ?? [];
  throw new DashboardError(
    `${file} (${crd.kind})`,
    `${error?.instancePath || "/"}: ${error?.message ?? "fails its schema"}`,
    `${crd.group}/${crd.version}'s published CRD schema rejects this`,
  );
}

/**
 * The schema with every listed object closed: the API server prunes unknown fields silently (or refuses
 * them under `kubectl apply --validate=strict`), so a misspelt field must fail here, not vanish there.
 */
function closed(schema: object): object {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "properties" ? mapValues(value, closed) : closed(value),
    ]),
  );
  // A few patterns use Go's inline flags (`(?i)`), which JavaScript cannot compile; none is a field we set.
  if (typeof copy.pattern === "string" && !compiles(copy.pattern)) delete copy.pattern;
  const open = copy["x-kubernetes-preserve-unknown-fields"] === true || "additionalProperties" in copy;
  if (copy.properties && !open) copy.additionalProperties = false;
  return copy;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

const mapValues = (object: object, fn: (value: object) => object) =>
  Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value as object)]));
