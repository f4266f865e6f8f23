// Checks an exported dashboard against Grafana's published JSON Schemas (vendored in build/schemas).
// Panels are checked one by one rather than through the dashboard schema's `oneOf [Panel, RowPanel]`,
// so each violation can name its panel, and each panel type gets its own options schema.

import type { ErrorObject } from "ajv";
import { join } from "node:path";
import { type PlacedEntry, placedEntries } from "../dashboards/rows";
import { type JsonObject, boundBroken, isObject, typeBroken } from "../io/json";
import { loadPrecompiledValidators } from "./schemas/precompiled";
import { panelTypes } from "../panels/types";
import {
  type V2Version,
  type Validator,
  type Validators,
  customFieldConfigValidatorName,
  optionsValidatorName,
  panelSchema,
  v2ValidatorName,
} from "./schemas/validatorNames";

export interface SchemaViolation {
  /** JSON pointer into the exported dashboard. */
  path: string;
  message: string;
  /** Title of the panel the violation is in (its type and id if it has no title). */
  panel?: string;
}

const ENVELOPE_FIELDS = ["__inputs", "__requires", "__elements"];

/** Every schema violation in a Grafana "export for sharing" dashboard; `[]` means valid. */
export function validateDashboard(exported: unknown): SchemaViolation[] {
  if (!isObject(exported)) return [{ path: "", message: "must be an object (a dashboard)" }];
  const envelope = pick(exported, (key) => ENVELOPE_FIELDS.includes(key));
  return [...violationsOf("envelope", envelope, ""), ...plainDashboardViolations(exported)];
}

/**
 * Every schema violation in a dashboard loaded as is (file provisioning, the Operator, the HTTP API):
 * nothing there fills in import inputs, so an envelope field is a violation too.
 */
export function validatePlainDashboard(dashboard: unknown): SchemaViolation[] {
  if (!isObject(dashboard)) return [{ path: "", message: "must be an object (a dashboard)" }];
  const envelope = Object.keys(dashboard).filter((key) => ENVELOPE_FIELDS.includes(key));
  return [
    ...envelope.map((key) => ({ path: `/${key}`, message: "only Grafana's import screen reads this; remove it" })),
    ...plainDashboardViolations(dashboard),
  ];
}

/**
 * Every violation of a v2 resource's spec by the published schema of its API version (`dashboardv2`:
 * Grafana 13's `dashboard.grafana.app/v2`); paths start at the resource, a panel's name its element's title.
 */
export function validateV2Dashboard(spec: unknown, version: V2Version): SchemaViolation[] {
  const elements = isObject(spec) && isObject(spec.elements) ? spec.elements : {};
  return violationsOf(v2ValidatorName(version), spec, "/spec").map((violation) => {
    const name = /^\/spec\/elements\/([^/]+)/.exec(violation.path)?.[1]?.replace(/~1/g, "/").replace(/~0/g, "~");
    const element = name === undefined ? undefined : elements[name];
    const title = isObject(element) && isObject(element.spec) ? element.spec.title : undefined;
    return typeof title === "string" ? { ...violation, panel: title } : violation;
  });
}

function plainDashboardViolations(exported: JsonObject<unknown>): SchemaViolation[] {
  const dashboard = pick(exported, (key) => !ENVELOPE_FIELDS.includes(key));
  return [...violationsOf("dashboard", dashboard, ""), ...placedEntries(dashboard.panels).flatMap(entryViolations)];
}

function entryViolations({ entry, path, inRow }: PlacedEntry): SchemaViolation[] {
  if (!isObject(entry) || entry.type !== "row") return panelViolations(entry, path);
  if (inRow) return [{ path: `${path}/type`, message: "a row cannot contain another row", panel: panelName(entry) }];
  return violationsOf("row", entry, path, panelName(entry));
}

function panelViolations(panel: unknown, path: string): SchemaViolation[] {
  if (!isObject(panel)) return violationsOf("panel", panel, path);
  const generic = violationsOf("panel", panel, path, panelName(panel));
  if (typeof panel.type !== "string") return generic;
  return [...generic, ...panelTypeViolations(panel, panel.type, path), ...targetViolations(panel, path)];
}

function panelTypeViolations(panel: JsonObject<unknown>, type: string, path: string): SchemaViolation[] {
  const name = panelName(panel);
  const schema = panelSchema(type);
  if (schema === undefined) {
    const known = Object.keys(panelTypes).join(", ");
    return [
      {
        path: `${path}/type`,
        message: `unknown panel type "${type}" (panels/types.ts holds: ${known})`,
        panel: name,
      },
    ];
  }
  const custom = customFieldConfigOf(panel);
  return [
    ...(panel.options === undefined
      ? []
      : violationsOf(optionsValidatorName(schema), panel.options, `${path}/options`, name)),
    ...(custom === undefined
      ? []
      : violationsOf(customFieldConfigValidatorName(schema), custom, `${path}/fieldConfig/defaults/custom`, name)),
  ];
}

function customFieldConfigOf(panel: JsonObject<unknown>): unknown {
  const { fieldConfig } = panel;
  return isObject(fieldConfig) && isObject(fieldConfig.defaults) ? fieldConfig.defaults.custom : undefined;
}

function targetViolations(panel: JsonObject<unknown>, path: string): SchemaViolation[] {
  if (!Array.isArray(panel.targets)) return [];
  const name = panelName(panel);
  return panel.targets.flatMap((target, i) =>
    isObject(target) && datasourceTypeOf(target, panel) === "prometheus"
      ? violationsOf("prometheusTarget", target, `${path}/targets/${i}`, name)
      : [],
  );
}

// A target without a datasource of its own uses its panel's; with neither, Grafana's default datasource,
// which for an Akkoma dashboard is Prometheus (the only query datasource it declares).
function datasourceTypeOf(target: JsonObject<unknown>, panel: JsonObject<unknown>): unknown {
  const own = isObject(target.datasource) ? target.datasource.type : undefined;
  const inherited = isObject(panel.datasource) ? panel.datasource.type : undefined;
  return own ?? inherited ?? "prometheus";
}

function panelName(panel: JsonObject<unknown>): string {
  if (typeof panel.title === "string" && panel.title.trim() !== "") return panel.title;
  return `untitled ${String(panel.type ?? "panel")} (id ${String(panel.id ?? "none")})`;
}

function violationsOf(validatorName: string, data: unknown, basePath: string, panel?: string): SchemaViolation[] {
  const validate = validator(validatorName);
  if (validate(data)) return [];
  return describe(validate.errors ?? [], data).map(({ path, message }) => ({
    path: basePath + path,
    message,
    ...(panel === undefined ? {} : { panel }),
  }));
}

/** One violation per problem: a target with four editor-only fields is one problem, not four. */
function describe(errors: ErrorObject[], data: unknown): Array<{ path: string; message: string }> {
  const readable = withoutBranchErrors(errors);
  const unexpectedByPath = new Map<string, string[]>();
  for (const error of readable.filter((e) => e.keyword === "additionalProperties")) {
    const unexpected = unexpectedByPath.get(error.instancePath) ?? [];
    unexpectedByPath.set(error.instancePath, [...unexpected, String(error.params.additionalProperty)]);
  }
  return [
    ...[...unexpectedByPath].map(([path, names]) => ({
      path,
      message: `has properties the schema does not allow: ${names.join(", ")}`,
    })),
    ...readable
      .filter((e) => e.keyword !== "additionalProperties")
      .map((e) => ({ path: e.instancePath, message: messageOf(e, errors, data) })),
  ];
}

/** An anyOf/oneOf that fails reports each branch's error too; those are folded into its own message. */
function withoutBranchErrors(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter(isAlternatives);
  const isBranchError = (e: ErrorObject) => alternatives.some((alt) => e.schemaPath.startsWith(`${alt.schemaPath}/`));
  // `if` errors only say which `then` failed; that `then`'s own error follows.
  return errors.filter((e) => !isBranchError(e) && e.keyword !== "if");
}

const isAlternatives = (e: ErrorObject) => e.keyword === "anyOf" || e.keyword === "oneOf";

function messageOf(error: ErrorObject, allErrors: ErrorObject[], data: unknown): string {
  const { params } = error;
  if (isAlternatives(error)) return alternativesMessage(error, allErrors, data);
  if (error.keyword === "enum")
    return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  if (error.keyword === "const") return `must be ${JSON.stringify(params.allowedValue)}`;
  // Only a panel type without custom field config (its schema has no FieldConfig) allows no properties.
  if (error.keyword === "maxProperties" && params.limit === 0) return "must be empty: the panel type reads none";
  if (error.keyword === "type") return typeBroken(error, ...found(data, error.instancePath)) as string;
  return boundBroken(error) ?? error.message ?? `fails the schema's "${error.keyword}"`;
}

/** The value at a JSON pointer of the checked data, as a one-element list; empty where nothing is. */
function found(data: unknown, pointer: string): [unknown?] {
  let value = data;
  for (const step of pointer.split("/").slice(1)) {
    const key = step.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  return [value];
}

function alternativesMessage(alternative: ErrorObject, allErrors: ErrorObject[], data: unknown): string {
  const branchErrors = allErrors.filter(
    (e) => e.schemaPath.startsWith(`${alternative.schemaPath}/`) && e.instancePath === alternative.instancePath,
  );
  const reasons = [...new Set(branchErrors.map((e) => messageOf(e, allErrors, data)))];
  return reasons.length === 0 ? (alternative.message ?? "matches none of the allowed schemas") : reasons.join(", or ");
}

function pick(object: JsonObject<unknown>, keep: (key: string) => boolean): JsonObject<unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keep(key)));
}

let loaded: Validators | undefined;

function validator(name: string): Validator {
  loaded ??= loadValidators();
  const validate = loaded[name];
  if (!validate) throw new Error(`no schema validator named ${name}: run "npm run compile" to regenerate them`);
  return validate;
}

function loadValidators(): Validators {
  const precompiled = loadPrecompiledValidators(join(__dirname, "schemas"));
  if (precompiled) return precompiled as Validators;
  const { compileValidators } = require("./schemas/compile") as typeof import("./schemas/compile");
  return compileValidators();
}

/** Every violation of our schema for Grafana's alert rule provisioning file; `[]` means valid. */
export const validateAlertRules = (file: unknown): SchemaViolation[] => violationsOf("alertRules", file, "");
