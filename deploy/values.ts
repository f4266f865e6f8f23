// Deployment values from flags or a JSON/YAML file: the dashboard's (data source, job, instance, uid,
// title, folder) and everything a user tunes in the rules (per-alert settings, labels, selector, dead
// instance reasons, runbook and Grafana addresses), checked against values.schema.json so a typo is named
// instead of silently ignored.

import type { ErrorObject, ValidateFunction } from "ajv";
import { parseDocument, visit } from "yaml";
import type { AlertTuning, TunableAlertName } from "../alerts/akkoma";
import type { RuleOptions } from "../alerts/prometheus";
import type { DashboardSettings } from "../dashboards/akkoma";
import { templateProblem } from "../alerts/templates";
import { boundBroken, typeBroken } from "../io/json";
import { printable } from "../io/printable";
import { defaultLimits, readSource } from "../io/sources";
import { lineBeyondNodes, nestedTooDeeply } from "../io/yaml";
import type { TargetSelector } from "../queries/selectors";
import { federationSlo } from "../config";
import { DashboardError } from "../errors";
import { selectorProblem } from "./selector";
import schema from "./values.schema.json";

/**
 * Where the Kubernetes resources go and what they point at, from the values file's `kubernetes` (each field
 * defaults to the config's). Operators pick resources by label: kube-prometheus-stack's default
 * `ruleSelector` and `serviceMonitorSelector` are `release: <its release name>`.
 */
export interface KubernetesValues {
  readonly namespace?: string;
  /**
   * The GrafanaDashboard's and GrafanaManifest's namespace, the Grafana instance's (default: namespace):
   * the Grafana Operator matches a dashboard only with the Grafana instances in its own namespace.
   */
  readonly grafanaNamespace?: string;
  /** Labels on every resource, over the fixed `app.kubernetes.io/*` ones. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The labels of the Service in front of Akkoma. */
  readonly serviceSelector?: Readonly<Record<string, string>>;
  /** The Service's port name, and the scheme the scrape speaks to it. */
  readonly port?: string;
  readonly scheme?: "http" | "https";
  /** The Secret holding the token, in the resources' namespace. */
  readonly tokenSecret?: { readonly name?: string; readonly key?: string };
}

/** A deployment's values as the values file (values.schema.json) and the flags name them. */
export interface DeploymentValues extends DashboardSettings {
  readonly runbookBaseUrl?: string;
  /** The dashboard over the series the rendered recording rules record. */
  readonly recorded?: boolean;
  readonly kubernetes?: KubernetesValues;
  /** The Grafana folder's uid: the HTTP API body, the GrafanaDashboard and the v2 resources carry it. */
  readonly folder?: string;
  readonly grafanaBaseUrl?: string;
  readonly selector?: TargetSelector;
  readonly alertLabels?: Readonly<Record<string, string>>;
  readonly alerts?: Readonly<Partial<Record<TunableAlertName, AlertTuning>>>;
  readonly federationSlo?: { readonly objective?: number; readonly enabled?: boolean };
}

/** The values grouped as a build renders them: the dashboard's, and the rules' settings under `rules`. */
export interface DeploymentRendering extends Omit<
  DeploymentValues,
  "folder" | "grafanaBaseUrl" | "selector" | "alertLabels" | "alerts" | "federationSlo"
> {
  readonly rules?: Pick<RuleOptions, "grafanaBaseUrl" | "target" | "labels" | "tuning" | "deadInstanceReasons"> & {
    readonly slo?: DeploymentValues["federationSlo"];
  };
}

/** What a build renders with: the values file's names for the rules' settings, grouped as the rules take them. */
export function renderValuesOf({
  folder: _folder,
  grafanaBaseUrl,
  selector,
  alertLabels,
  alerts,
  federationSlo,
  ...dashboard
}: DeploymentValues): DeploymentRendering {
  const rules = { grafanaBaseUrl, target: selector, labels: alertLabels, tuning: alerts, slo: federationSlo };
  const given = Object.fromEntries(Object.entries(rules).filter(([, value]) => value !== undefined));
  return Object.keys(given).length > 0 || dashboard.deadInstanceReasons
    ? { ...dashboard, rules: { ...given, deadInstanceReasons: dashboard.deadInstanceReasons } }
    : dashboard;
}

export type DeploymentField = keyof DeploymentValues;

export const deploymentFields = Object.keys(schema.properties) as DeploymentField[];

/** The highest bar the values file takes for an alert's threshold (1 for a share), if it has one. */
export function thresholdMaximum(alert: string): number | undefined {
  const tuning = (schema.properties.alerts.properties as Record<string, { $ref: string }>)[alert];
  const definition = tuning?.$ref.replace("#/definitions/", "") as keyof typeof schema.definitions | undefined;
  const threshold = definition ? (schema.definitions[definition] as { properties?: { threshold?: object } }) : {};
  return (threshold.properties?.threshold as { maximum?: number } | undefined)?.maximum;
}

/** `datasourceUid` -> `--datasource-uid`. */
export const flagOf = (field: DeploymentField) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The values a build renders with: the config file's, overridden field by field by flags; undefined
 * when neither gives any (then the build writes the import and provisioning files).
 */
export async function deploymentValues(
  flags: Partial<Record<DeploymentField, string | boolean>>,
  configFile?: string,
): Promise<DeploymentValues | undefined> {
  const fromFile = configFile === undefined ? {} : await readConfigFile(configFile);
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  checkValues(given, (field) => flagOf(field as DeploymentField));
  const values = { ...fromFile, ...given };
  return Object.keys(values).length > 0 ? values : undefined;
}

async function readConfigFile(file: string): Promise<DeploymentValues> {
  const culprit = `--config ${file}`;
  // The same size and time bounds as every other input: a FIFO fed by `yes` must not fill memory.
  let text: string;
  try {
    text = await readSource(file, "--config expects a JSON or YAML file of deployment values", defaultLimits, true);
  } catch (error) {
    if (!(error instanceof DashboardError)) throw error;
    // build has no --max-size or --timeout: the check's hints about raising them do not apply.
    const hint = error.problem.startsWith("larger than")
      ? "deployment values take a few lines"
      : error.problem.startsWith("nothing complete")
        ? "is anything writing to it?"
        : error.hint;
    throw new DashboardError(`--config ${error.culprit}`, error.problem, hint);
  }
  refuseTooManyValues(text, culprit);
  // JSON is YAML too, so one parser reads both.
  const document = parseDocument(text);
  const [error] = document.errors;
  if (error) {
    const where = error.linePos ? ` at line ${error.linePos[0].line}` : "";
    // The parser quotes the file (an invalid escape, say): its text, escaped.
    const message = /Maximum call stack size exceeded/.test(error.message)
      ? `${nestedTooDeeply}${error.linePos ? `, column ${error.linePos[0].col}` : ""}`
      : printable(firstLine(error.message));
    throw new DashboardError(culprit, `not valid JSON or YAML${where}: ${message}`);
  }
  // Values are a few scalars: an alias has no use there, and resolving many (yaml looks each one up
  // through the document; an "alias bomb" multiplies them) takes time and memory beyond the file's size.
  let alias: number | undefined;
  visit(document, {
    Alias: (_, node) => {
      alias = node.range?.[0];
      return visit.BREAK;
    },
  });
  if (alias !== undefined) {
    const line = text.slice(0, alias).split("\n").length;
    throw new DashboardError(`${culprit}:${line}`, "a YAML alias (*name)", "write the value itself");
  }
  const values: unknown = document.toJS();
  checkValues(values, (field) => `${culprit}: ${field}`, culprit);
  return values as DeploymentValues;
}

/**
 * Values (keys included) a values file may hold: real ones hold dozens, and yaml takes about a kilobyte
 * a value, so 7 million of them in 14 MB would take gigabytes before any check could name one.
 */
export const maxValueCount = 10_000;

/** Counts the values with yaml's lexer, which keeps nothing, before the parser builds a node for each. */
function refuseTooManyValues(text: string, culprit: string): void {
  const line = lineBeyondNodes(text, maxValueCount);
  if (line === undefined) return;
  const field = topLevelFieldAt(text, line);
  throw new DashboardError(
    `${culprit}:${line}`,
    `more than ${maxValueCount.toLocaleString("en")} values${field ? ` (in field ${field})` : ""}; stopped reading`,
    "deployment values take a few dozen",
  );
}

/** The top-level field of block YAML that line `line` lies in, if one starts a line above it. */
function topLevelFieldAt(text: string, line: number): string | undefined {
  const lines = text.split("\n", line);
  for (let at = lines.length - 1; at >= 0; at--) {
    const found = /^["']?([A-Za-z_]\w*)["']?\s*:/.exec(lines[at] as string);
    if (found) return found[1];
  }
  return undefined;
}

/** Throws for the first problem, naming the field as `culpritOf(field)` puts it. */
function checkValues(values: unknown, culpritOf: (field: string) => string, whole = "deployment values"): void {
  const validate = validator();
  if (validate(values)) {
    for (const [field, value] of textsOf(values)) {
      const problem =
        textProblem(value) ??
        (isDurationField(field) ? durationProblem(value) : undefined) ??
        (/^selector\.matchers\.[^.]+\.regex$/.test(field) ? regexProblem(value) : undefined);
      if (problem) throw new DashboardError(culpritOf(field), problem);
      const template = isAlertLabel(field) ? templateProblem(value) : undefined;
      if (template)
        throw new DashboardError(
          culpritOf(field),
          `is not a valid template: ${template}`,
          'Prometheus and vmalert expand an alert\'s label values as Go templates; write {{ "{{" }} for literal braces',
        );
    }
    burnRateProblem(values as DeploymentValues, culpritOf);
    selectorProblem((values as DeploymentValues).selector, culpritOf);
    return;
  }
  const error = validate.errors?.[0] as ErrorObject;
  // A nested field is named by its path, as a user writes it in YAML: `alerts.AkkomaDown.for`.
  const path = error.instancePath.split("/").slice(1).join(".");
  const within = (field: string) => (path === "" ? field : `${path}.${field}`);
  if (error.keyword === "additionalProperties") {
    const field = within(String(error.params.additionalProperty));
    const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    throw new DashboardError(
      culpritOf(field),
      "unknown field",
      known.length > 0 ? `known: ${known.join(", ")}` : undefined,
    );
  }
  // Ajv reports a bad key by the rule it broke, with the key beside it.
  const badKey = (error as ErrorObject & { propertyName?: string }).propertyName ?? error.params.propertyName;
  if (badKey !== undefined) {
    const field = within(String(badKey));
    throw new DashboardError(
      culpritOf(field),
      "is not a label you may set here",
      field.startsWith("kubernetes.")
        ? "a Kubernetes label key (an optional DNS prefix/, a name of at most 63 characters), not app.kubernetes.io/name or part-of"
        : "a label name ([a-zA-Z_][a-zA-Z0-9_]*), not one the rules set themselves",
    );
  }
  // A duration's pattern is unreadable: say what one looks like instead.
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  if (error.keyword === "pattern" && description === schema.definitions.duration.description) {
    throw new DashboardError(culpritOf(path), `is not a Prometheus duration`, description);
  }
  if (error.keyword === "pattern" && path === "kubernetes.port") {
    throw new DashboardError(culpritOf(path), "is not a Kubernetes port name", description);
  }
  if (error.instancePath === "") {
    throw new DashboardError(whole, "must be a mapping of field: value", `fields: ${deploymentFields.join(", ")}`);
  }
  const bound = boundBroken(error) ?? typeBroken(error, error.data);
  if (bound !== undefined) throw new DashboardError(culpritOf(path), bound, description);
  throw new DashboardError(culpritOf(path), error.message ?? `fails "${error.keyword}"`);
}

/**
 * A burn rate times the failures the objective allows above every delivery failing: a ticket that can
 * never fire (at 90 %, a burn rate of 10 is all of them).
 */
function burnRateProblem(values: DeploymentValues, culpritOf: (field: string) => string): void {
  const burnRate = values.alerts?.[federationSlo.budgetBurn.name]?.threshold;
  if (burnRate === undefined) return;
  const objective = values.federationSlo?.objective ?? federationSlo.objective;
  if (burnRate * (1 - objective) < 1) return;
  throw new DashboardError(
    culpritOf(`alerts.${federationSlo.budgetBurn.name}.threshold`),
    `a burn rate of ${burnRate} at a ${objective * 100} % objective asks for more than every delivery failing: it can never fire`,
    `below ${Number((1 / (1 - objective)).toPrecision(6))}`,
  );
}

/**
 * A regex no engine compiles: RE2 has no lookaround or backreferences, and what JavaScript refuses
 * (an unbalanced bracket) RE2 refuses too.
 */
function regexProblem(regex: string): string | undefined {
  if (/\(\?[=!<]|\\[1-9]/.test(regex)) return "uses lookaround or a backreference, which Prometheus' RE2 has not";
  try {
    new RegExp(regex, "u");
    return undefined;
  } catch {
    return "is not a regex";
  }
}

/** Alert labels, which Prometheus and vmalert expand as templates: every alert's, and one alert's own. */
const isAlertLabel = (field: string) => /^(alertLabels|alerts\.[^.]+\.labels)\.[^.]+$/.test(field);

/** Fields holding a Prometheus duration: an alert's `for` and `keep_firing_for`. */
const isDurationField = (field: string) => /^alerts\.[^.]+\.(for|keep_firing_for)$/.test(field);

const nanoseconds: Readonly<Record<string, bigint>> = {
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
};

/**
 * Prometheus holds a duration in nanoseconds in an int64 and refuses a longer one ("duration out of
 * range"): promtool would refuse the rule file after the build wrote it.
 */
function durationProblem(text: string): string | undefined {
  let total = 0n;
  for (const [, count, unit] of text.matchAll(/([0-9]+)(ms|[ywdhms])/g))
    total += BigInt(count as string) * (nanoseconds[unit as string] as bigint);
  return total > 2n ** 63n - 1n ? "is longer than Prometheus' longest duration (about 292 years)" : undefined;
}

/**
 * What makes a value unfit for the files it reaches: rule files must be UTF-8 (promtool refuses a lone
 * surrogate), U+FFFD is what bytes that were not UTF-8 became, and `${NAME}` is an import placeholder
 * that nothing but Grafana's import screen fills in.
 */
function textProblem(value: string): string | undefined {
  if (/[\ud800-\udfff]/u.test(value)) return "holds a lone UTF-16 surrogate, which is not text";
  if (value.includes("\ufffd")) return "holds U+FFFD, the mark of bytes that were not UTF-8; write it in UTF-8";
  const placeholder = /\$\{[A-Z][A-Z0-9_]*\}/.exec(value);
  if (placeholder) return `${placeholder[0]} is an import placeholder, which only Grafana's import screen fills in`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return "holds a control character";
  return undefined;
}

/** Every string in `value` (keys included), with the path a user writes it by: `alertLabels.team`. */
function* textsOf(value: unknown, path = ""): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const at = Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
      if (!Array.isArray(value)) yield [at, key];
      yield* textsOf(inner, at);
    }
  }
}

const firstLine = (text: string) => text.split("\n")[0]?.trim() ?? text;

let compiled: ValidateFunction | undefined;

// Loaded on first use: a plain `build` needs no ajv compiler, and it costs start-up time.
function validator(): ValidateFunction {
  if (!compiled) {
    const Ajv = (require("ajv") as typeof import("ajv")).default;
    // verbose: an error carries its schema, which names the known fields of a nested mapping.
    compiled = new Ajv({ allErrors: false, verbose: true }).compile(schema);
  }
  return compiled;
}
