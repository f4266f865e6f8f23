// Deployment values (data source, job, instance, uid, title, folder) from flags or a JSON/YAML file,
// checked against values.schema.json so a typo is named instead of silently ignored.

import type { ErrorObject, ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { RenderValues } from "../build/outputs";
import { DashboardError } from "../errors";
import schema from "./values.schema.json";

export interface DeploymentValues extends RenderValues {
  /** The Grafana folder's uid; only the HTTP API body carries it. */
  readonly folder?: string;
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
  if (error.instancePath === "" && error.keyword === "additionalProperties") {
    const field = String(error.params.additionalProperty);
    throw new DashboardError(culpritOf(field), "unknown field", `known: ${deploymentFields.join(", ")}`);
  }
  if (error.instancePath === "") {
    throw new DashboardError(whole, "must be a mapping of field: value", `fields: ${deploymentFields.join(", ")}`);
  }
  throw new DashboardError(culpritOf(error.instancePath.slice(1)), error.message ?? `fails "${error.keyword}"`);
}

const firstLine = (text: string) => text.split("\n")[0]?.trim() ?? text;

let compiled: ValidateFunction | undefined;

// Loaded on first use: a plain `build` needs no ajv compiler, and it costs start-up time.
function validator(): ValidateFunction {
  if (!compiled) {
    const Ajv = (require("ajv") as typeof import("ajv")).default;
    compiled = new Ajv({ allErrors: false }).compile(schema);
  }
  return compiled;
}
