// What `akkoma-dashboards build` writes: every committed output, or, given deployment values, one
// dashboard rendered with them. Returns one line per file written, for the CLI to print.

import { type Written, buildAllFiles, buildDashboardFile, renderDashboardFile } from "./outputs";
import { outputs } from "../config";
import { DashboardError } from "../errors";
import { type DeploymentField, deploymentValues, flagOf, renderValuesOf } from "../deploy/values";

export interface BuildRequest {
  readonly out?: string;
  readonly config?: string;
  readonly apiBody?: boolean;
  readonly flags: Partial<Record<DeploymentField, string | boolean>>;
}

const lines = (written: readonly Written[]) => written.map(({ path, purpose }) => `wrote ${path} (${purpose})`);

export async function runBuild(request: BuildRequest): Promise<string[]> {
  if (request.apiBody && request.out === undefined)
    throw new DashboardError(
      "--api-body",
      "needs --out FILE",
      `the request body is no dashboard; ${outputs.renderedFolder}/<uid>.json is, and Terraform may read it`,
    );
  const values = await deploymentValues(request.flags, request.config);
  if (!values && !request.apiBody) {
    return lines(request.out === undefined ? await buildAllFiles() : await buildDashboardFile(request.out));
  }
  const settings = values ?? {};
  const { folder } = settings;
  const written = await renderDashboardFile(renderValuesOf(settings), {
    out: request.out,
    folder,
    apiBody: request.apiBody,
  });
  const notes = [
    ...(request.flags.folder !== undefined && !request.apiBody && request.out !== undefined
      ? [
          `note: ${flagOf("folder")} goes into the HTTP API body only (add --api-body), and without --out into ` +
            "the GrafanaDashboard and the v2 resources; set Terraform's folder itself",
        ]
      : []),
    ...(request.out === undefined && settings.datasourceUid === undefined
      ? [
          `note: no Grafana-managed alert rules: they need the uid of the data source they query (${flagOf("datasourceUid")})`,
        ]
      : []),
  ];
  return [...lines(written), ...notes];
}
