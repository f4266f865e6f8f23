import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type * as resource from "@grafana/grafana-foundation-sdk/resource";
import { alerts as alertSettings, dashboard as settings, outputs } from "../config";
import {
  type DashboardSettings,
  type Section,
  type SectionSettings,
  akkomaDashboard,
  sections,
} from "../dashboards/akkoma";
import type { KubernetesValues } from "../deploy/values";
import { DashboardError } from "../errors";
import { importEnvelope } from "./envelope";
import { formatJson } from "./format";
import { apiRequestBody, providerYaml } from "./provisioning";
import { scrapeLabels } from "../config";
import { jobScope } from "../queries/selectors";
import { kubernetesFiles } from "./kubernetes";
import { layoutPicture } from "./layout-picture";
import {
  type RuleRendering,
  grafanaRulesFile,
  prometheusRulesFile,
  recordingRulesFile,
  ruleGroups,
  sloRulesFile,
} from "./rules";
import { type SchemaViolation, validateDashboard, validatePlainDashboard, validateV2Dashboard } from "./validate";
import { type V2Version, v2Versions } from "./schemas/validatorNames";
import { dashboardResource, v2ApiVersions, v2DashboardSpec } from "./v2";
import { type OutputFile, writeFiles } from "../io/write";

/** The dashboard as Grafana imports it: enveloped, checked against Grafana's schemas, formatted. */
export async function importFileText(dashboard = akkomaDashboard(sections())): Promise<string> {
  // Validate exactly what will be written: the SDK's objects carry methods that JSON drops.
  const exported: unknown = JSON.parse(JSON.stringify(importEnvelope(dashboard)));
  refuseViolations(validateDashboard(exported));
  return formatJson(exported);
}

/**
 * The dashboard as file provisioning, the Operator, Terraform and the HTTP API load it: no envelope,
 * no import placeholders; `settings` preset the variables, uid and title.
 */
export async function plainDashboard({
  recordedSeriesOf,
  ...settings
}: DashboardSettings & Pick<SectionSettings, "recordedSeriesOf"> = {}): Promise<string> {
  return formatJson(plainDashboardJson(akkomaDashboard(sections({ recordedSeriesOf }), settings)));
}

/** The dashboard's v2 resources as `build` writes them (`folderUid`: the values' folder). */
export function plainResources(
  { recordedSeriesOf, ...settings }: DashboardSettings & Pick<SectionSettings, "recordedSeriesOf"> = {},
  folderUid?: string,
): Record<V2Version, resource.Manifest> {
  const sectionList = sections({ recordedSeriesOf });
  return dashboardResources({ built: akkomaDashboard(sectionList, settings), sectionList }, folderUid);
}

/** One dashboard build: what the v1 forms are rendered from, and the sections the v2 renderer compiles. */
interface DashboardBuild {
  readonly built: Dashboard;
  readonly sectionList: readonly Section[];
}

/** The dashboard as v2 resources (build/v2.ts), each form checked against its own published schema. */
function dashboardResources(
  { built, sectionList }: DashboardBuild,
  folderUid?: string,
): Record<V2Version, resource.Manifest> {
  const spec = v2DashboardSpec(built, sectionList);
  const forms = v2Versions.map((version) => {
    const manifest = dashboardResource(version, built.uid ?? settings.uid, spec, folderUid);
    const written = JSON.parse(JSON.stringify(manifest)) as resource.Manifest;
    refuseViolations(validateV2Dashboard(written.spec, version));
    refuseImportPlaceholders(written);
    return [version, written] as const;
  });
  return Object.fromEntries(forms) as Record<V2Version, resource.Manifest>;
}

/** Path and text of each v2 resource: `<folder>/<form>/<file>`, or `<base>.<form>.json`. */
async function resourceFiles(
  resources: Record<V2Version, resource.Manifest>,
  where: { folder: string; file: string } | { base: string },
): Promise<(Written & OutputFile)[]> {
  return Promise.all(
    v2Versions.map(async (version) => {
      const form = v2ApiVersions[version].split("/")[1] as string;
      return {
        path: "base" in where ? `${where.base}.${form}.json` : join(where.folder, form, where.file),
        purpose: resourcePurposes[version],
        content: await formatJson(resources[version]),
      };
    }),
  );
}

const resourcePurposes: Record<V2Version, string> = {
  dashboardv2: "the v2 resource, for Grafana 13: Git Sync, grafanactl, the dashboard API",
  dashboardv2beta1: "the v2beta1 resource, for Grafana 12.x with the v2 dashboard API",
};

function plainDashboardJson(dashboard: Dashboard): unknown {
  // id null: Grafana matches a provisioned or posted dashboard by uid, and gives it an id of its own.
  const plain: unknown = JSON.parse(JSON.stringify({ ...dashboard, id: null }));
  refuseViolations(validatePlainDashboard(plain));
  refuseImportPlaceholders(plain);
  return plain;
}

function refuseImportPlaceholders(dashboard: unknown): void {
  const placeholder = /\$\{[A-Z][A-Z0-9_]*\}/.exec(JSON.stringify(dashboard));
  if (placeholder) {
    throw new DashboardError(
      "dashboard",
      `${placeholder[0]} is an import placeholder, which only Grafana's import screen fills in`,
      "a provisioned dashboard must carry values",
    );
  }
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

/** The Kubernetes forms of the rules, the scrape and the dashboard, one file each in `folder`. */
function kubernetesResources(
  folder: string,
  dashboardJson: string,
  dashboardResource: resource.Manifest,
  rendering: RuleRendering & { name?: string; folderUid?: string; kubernetes?: KubernetesValues },
) {
  return kubernetesFiles({
    ...ruleGroups(rendering),
    name: rendering.name,
    folderUid: rendering.folderUid,
    values: rendering.kubernetes,
    dashboardJson,
    dashboardResource,
    job: rendering.job ?? alertSettings.job,
    jobLabel: rendering.target?.jobLabel ?? scrapeLabels.job,
  }).map(({ file, kind, content }) => ({ path: join(folder, file), purpose: `${kind} for Kubernetes`, content }));
}

/** A file `build` wrote, and who it is for. */
export interface Written {
  readonly path: string;
  readonly purpose: string;
}

/**
 * Writes the files all or none (a FIFO or device such as /dev/stdout directly, never replacing it) and
 * returns the files written, without streams: a line saying so would land in the stream itself.
 */
function writeAll(files: readonly (Written & OutputFile)[], makeFolders = false): Written[] {
  if (makeFolders) {
    requireOutFolder();
    for (const { path } of files) makeFolder(dirname(path));
  }
  const written = writeFiles(files);
  return files
    .filter(({ path }) => written.some((file) => file.path === path && file.kind === "file"))
    .map(({ path, purpose }) => ({ path, purpose }));
}

const outFolder = dirname(outputs.importFile);

/**
 * The committed outputs live in a clone's out/: run elsewhere by mistake, a build would scatter a new out/
 * there. Anywhere else (an installed package), the user makes out/ first to say they want it.
 */
function requireOutFolder(): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(outFolder).isDirectory();
  } catch {
    throw new DashboardError(
      `${outFolder}/`,
      "no such folder here",
      "run build in the akkoma-dashboards clone, create out/ here first, or name the file with --out",
    );
  }
  if (!isFolder) throw new DashboardError(`${outFolder}/`, "is not a folder");
}

function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DashboardError(`${folder}/`, `cannot create the folder (${code})`);
  }
}

/** The import file alone, to `out` (`-`: standard output). */
export async function buildDashboardFile(out: string): Promise<Written[]> {
  const content = await importFileText();
  return writeAll([{ path: out, purpose: "for Grafana's import screen", content, culprit: `--out ${out}` }]);
}

/** Every committed output, where `npm run build` writes it. Everything is rendered before anything is written. */
export async function buildAllFiles(): Promise<Written[]> {
  // One declaration and one dashboard: every file below is a form of it, the rules link to its titles.
  const sectionList = sections();
  const built = akkomaDashboard(sectionList);
  const plain = await formatJson(plainDashboardJson(built));
  const resources = dashboardResources({ built, sectionList });
  const rendering = { sections: sectionList };
  const files = [
    { path: outputs.importFile, purpose: "for Grafana's import screen", content: await importFileText(built) },
    { path: outputs.layoutPicture, purpose: "the dashboard's layout, for the README", content: layoutPicture(built) },
    {
      path: join(outputs.provisioningFolder, outputs.provisionedDashboard),
      purpose: "for file provisioning, the Helm chart's sidecar, the Grafana Operator",
      content: plain,
    },
    {
      path: join(outputs.provisioningFolder, outputs.provider),
      purpose: "Grafana's dashboard provider for it",
      content: providerYaml(),
    },
    {
      path: outputs.prometheusRules,
      purpose: "alert rules for Prometheus and vmalert",
      content: prometheusRulesFile(rendering),
    },
    {
      path: outputs.dashboardRecordingRules,
      purpose: "the recording rules the recorded dashboard (--recorded) reads",
      content: recordingRulesFile(rendering),
    },
    { path: outputs.sloRules, purpose: "the federation delivery objective's rules", content: sloRulesFile(rendering) },
    ...(await resourceFiles(resources, { folder: outputs.resourcesFolder, file: outputs.provisionedDashboard })),
    ...kubernetesResources(outputs.kubernetesFolder, plain, resources.dashboardv2, rendering),
  ];
  return writeAll(files, true);
}

export interface RenderOptions {
  /** File to write (the dashboard alone); `out/rendered/<uid>.json` and its rules when left out. */
  readonly out?: string;
  /** The folder's uid, for the HTTP API body, the GrafanaDashboard and the v2 resources' folder annotation. */
  readonly folder?: string;
  /** Write the HTTP API's request body around the dashboard instead of the dashboard alone. */
  readonly apiBody?: boolean;
}

/** A deployment's values: the dashboard's, and its rules' (tuning, selector, labels, runbook and Grafana addresses). */
export interface RenderValues extends DashboardSettings {
  readonly runbookBaseUrl?: string;
  /** The dashboard over the series the rendered recording rules record. */
  readonly recorded?: boolean;
  readonly rules?: Omit<RuleRendering, "job" | "runbookBaseUrl" | "datasourceUid" | "dashboardUid" | "sections">;
  /** The Kubernetes forms' namespace, labels and what the scrape points at. */
  readonly kubernetes?: KubernetesValues;
}

/**
 * One deployment's dashboard, its values filled in (Terraform, the HTTP API, a second instance), and
 * unless `--out` names one file, its alert rules for the same job and dashboard uid: for Prometheus, and
 * for Grafana when the values name the data source the rules query.
 */
export async function renderDashboardFile(
  { runbookBaseUrl, rules, recorded, kubernetes, ...values }: RenderValues,
  options: RenderOptions = {},
): Promise<Written[]> {
  const recordedSeriesOf = recorded ? jobScope(values.job ?? alertSettings.job, rules?.target) : undefined;
  const sectionList = sections({ ...rules, deadInstanceReasons: values.deadInstanceReasons, recordedSeriesOf });
  const built = akkomaDashboard(sectionList, values);
  const dashboard = plainDashboardJson(built);
  const content = await formatJson(options.apiBody ? apiRequestBody(dashboard, options.folder) : dashboard);
  const purpose = options.apiBody
    ? "body for POST /api/dashboards/db"
    : "a dashboard with your values, for Terraform, provisioning or the HTTP API";
  if (options.out !== undefined)
    return writeAll([{ path: options.out, purpose, content, culprit: `--out ${options.out}` }]);
  const uid = values.uid ?? settings.uid;
  const base = join(outputs.renderedFolder, uid);
  const resources = dashboardResources({ built, sectionList }, options.folder);
  const rendering = { ...rules, job: values.job, runbookBaseUrl, dashboardUid: uid, sections: sectionList };
  const { datasourceUid } = values;
  return writeAll(
    [
      { path: `${base}.json`, purpose, content },
      {
        path: `${base}.alerts.yml`,
        purpose: "its alert rules for Prometheus",
        content: prometheusRulesFile(rendering),
      },
      ...(recorded
        ? [
            {
              path: `${base}.dashboard-recording-rules.yml`,
              purpose: "the recording rules the dashboard reads",
              content: recordingRulesFile(rendering),
            },
          ]
        : []),
      ...(rendering.slo?.enabled === false
        ? []
        : [
            {
              path: `${base}.slo-rules.yml`,
              purpose: "its federation delivery objective's rules",
              content: sloRulesFile(rendering),
            },
          ]),
      ...(datasourceUid === undefined
        ? []
        : [
            {
              path: `${base}.alert-rules.json`,
              purpose: `its Grafana-managed alert rules, querying the data source with uid "${datasourceUid}"`,
              content: await grafanaRulesFile({ ...rendering, datasourceUid }),
            },
          ]),
      ...(await resourceFiles(resources, { base })),
      ...kubernetesResources(`${base}.kubernetes`, await formatJson(dashboard), resources.dashboardv2, {
        ...rendering,
        name: uid,
        folderUid: options.folder,
        kubernetes,
      }),
    ],
    true,
  );
}
