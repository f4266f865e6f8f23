// Deployment values from flags or a JSON/YAML file: the dashboard's (data source, job, instance, uid,
// title, folder) and everything a user tunes in the rules (per-alert settings, labels, selector, dead
// instance reasons, runbook and Grafana addresses), checked against values.schema.json so a typo is named
// instead of silently ignored.

import type { ErrorObject, ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { AlertName, AlertTuning } from "../alerts/akkoma";
import type { RenderValues } from "../build/outputs";
import type { TargetSelector } from "../queries/selectors";
import { DashboardError } from "../errors";
import schema from "./values.schema.json";

export interface DeploymentValues extends Omit<RenderValues, "rules"> {
  /** The Grafana folder's uid; only the HTTP API body carries it. */
  readonly folder?: string;
  readonly grafanaBaseUrl?: string;
  readonly selector?: TargetSelector;
  readonly alertLabels?: Readonly<Record<string, string>>;
  readonly alerts?: Readonly<Partial<Record<AlertName, AlertTuning>>>;
}

/** What a build renders with: the values file's names for the rules' settings, grouped as the rules take them. */
export function renderValuesOf({
  folder: _folder,
  grafanaBaseUrl,
  selector,
  alertLabels,
  alerts,
  ...dashboard
}: DeploymentValues): RenderValues {
  const rules = { grafanaBaseUrl, target: selector, labels: alertLabels, tuning: alerts };
  const given = Object.fromEntries(Object.entries(rules).filter(([, value]) => value !== undefined));
  return Object.keys(given).length > 0 || dashboard.deadInstanceReasons
    ? { ...dashboard, rules: { ...given, deadInstanceReasons: dashboard.deadInstanceReasons } }
    : dashboard;
}

export type DeploymentField = keyof DeploymentValues;

export const deploymentFields = Object.keys(schema.properties) as DeploymentField[];

/** `datasourceUid` -> `--datasource-uid`. */
export const flagOf = (field: DeploymentField) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The values a build renders with: the config file's, overridden field by field by flags; undefined
 * when neither gives any (then the build writes the import and provisioning files).
 */
export function deploymentValues(
  flags: Partial<Record<DeploymentField, string>>,
  configFile?: string,
): DeploymentValues | undefined {
  const fromFile = configFile === undefined ? {} : readConfigFile(configFile);
  const given = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  checkValues(given, (field) => flagOf(field as DeploymentField));
  const values = { ...fromFile, ...given };
  return Object.keys(values).length > 0 ? values : undefined;
}

function readConfigFile(file: string): DeploymentValues {
  const culprit = `--config ${file}`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new DashboardError(culprit, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  // JSON is YAML too, so one parser reads both.
  const document = parseDocument(text);
  const [error] = document.errors;
  if (error) {
    const where = error.linePos ? ` at line ${error.linePos[0].line}` : "";
    throw new DashboardError(culprit, `not valid JSON or YAML${where}: ${firstLine(error.message)}`);
  }
  const values: unknown = document.toJS();
  checkValues(values, (field) => `${culprit}: ${field}`, culprit);
  return values as DeploymentValues;
}

/** Throws for the first problem, naming the field as `culpritOf(field)` puts it. */
function checkValues(values: unknown, culpritOf: (field: string) => string, whole = "deployment values"): void {
  const validate = validator();
  if (validate(values)) return;
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
      "a label name ([a-zA-Z_][a-zA-Z0-9_]*), not one the rules set themselves",
    );
  }
  if (error.instancePath === "") {
    throw new DashboardError(whole, "must be a mapping of field: value", `fields: ${deploymentFields.join(", ")}`);
  }
  throw new DashboardError(culpritOf(path), error.message ?? `fails "${error.keyword}"`);
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
