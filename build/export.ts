import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard as settings, outputs } from "../config";
import { type DashboardSettings, akkomaDashboard, sections } from "../dashboards/akkoma";
import { DashboardError } from "../errors";
import { exportEnvelope, importDefaults } from "./envelope";
import { formatJson } from "./format";
import { apiRequestBody, providerYaml } from "./provisioning";
import { type SchemaViolation, validateDashboard, validatePlainDashboard } from "./validate";
import { writeAtomically } from "./write";

export const defaultOutput = outputs.importFile;

/** The dashboard as Grafana imports it: enveloped, checked against Grafana's schemas, formatted. */
export async function exportDashboard(dashboard = akkomaDashboard(sections(), importDefaults)): Promise<string> {
  // Validate exactly what will be written: the SDK's objects carry methods that JSON drops.
  const exported: unknown = JSON.parse(JSON.stringify(exportEnvelope(dashboard)));
  refuseViolations(validateDashboard(exported));
  return formatJson(exported);
}

/**
 * The dashboard as file provisioning, the Operator, Terraform and the HTTP API load it: no envelope,
 * no import placeholders; `settings` preset the variables, uid and title.
 */
export async function plainDashboard(settings: DashboardSettings = {}): Promise<string> {
  return formatJson(plainDashboardJson(akkomaDashboard(sections(), settings)));
}

function plainDashboardJson(dashboard: Dashboard): unknown {
  // id null: Grafana matches a provisioned or posted dashboard by uid, and gives it an id of its own.
  const plain: unknown = JSON.parse(JSON.stringify({ ...dashboard, id: null }));
  refuseViolations(validatePlainDashboard(plain));
  const placeholder = /\$\{[A-Z][A-Z0-9_]*\}/.exec(JSON.stringify(plain));
  if (placeholder) {
    throw new DashboardError(
      "dashboard",
      `${placeholder[0]} is an import placeholder, which only Grafana's import screen fills in`,
      "a provisioned dashboard must carry values",
    );
  }
  return plain;
}

function refuseViolations(violations: readonly SchemaViolation[]): void {
  const [first] = violations;
  if (!first) return;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : "";
  throw new DashboardError(
    first.panel ? `panel "${first.panel}"` : "dashboard",
    `${first.path}: ${first.message}${more}`,
    "Grafana's published schema rejects this",
  );
}

export async function buildDashboardFile(out: string = defaultOutput): Promise<void> {
  writeAtomically(out, await exportDashboard());
}

/** The import file and the provisioning files, where `npm run build` commits them; returns the paths. */
export async function buildAllFiles(): Promise<string[]> {
  mkdirSync(outputs.provisioningFolder, { recursive: true });
  const provisioned = join(outputs.provisioningFolder, outputs.provisionedDashboard);
  const providerFile = join(outputs.provisioningFolder, outputs.provider);
  writeAtomically(outputs.importFile, await exportDashboard());
  writeAtomically(provisioned, await plainDashboard());
  writeAtomically(providerFile, providerYaml());
  return [outputs.importFile, provisioned, providerFile];
}

export interface RenderOptions {
  /** File to write; `out/rendered/<uid>.json` when left out. */
  readonly out?: string;
  /** The folder's uid, for the HTTP API body. */
  readonly folder?: string;
  /** Write the HTTP API's request body around the dashboard instead of the dashboard alone. */
  readonly apiBody?: boolean;
}

/** One deployment's dashboard, its values filled in (Terraform, the HTTP API, a second instance). */
export async function renderDashboardFile(values: DashboardSettings, options: RenderOptions = {}): Promise<string> {
  const dashboard = plainDashboardJson(akkomaDashboard(sections(), values));
  const out = options.out ?? join(outputs.renderedFolder, `${values.uid ?? settings.uid}.json`);
  if (options.out === undefined) mkdirSync(outputs.renderedFolder, { recursive: true });
  writeAtomically(out, await formatJson(options.apiBody ? apiRequestBody(dashboard, options.folder) : dashboard));
  return out;
}
