// What `akkoma-dashboards build` writes: the committed import and provisioning files, or one dashboard
// rendered with a deployment's values. Returns one line per file written, for the CLI to print.

import { buildAllFiles, buildDashboardFile, renderDashboardFile } from "../build/export";
import { type DeploymentField, deploymentValues, flagOf } from "./values";

export interface BuildRequest {
  readonly out?: string;
  readonly config?: string;
  readonly apiBody?: boolean;
  readonly flags: Partial<Record<DeploymentField, string>>;
}

export async function buildForDeployment(request: BuildRequest): Promise<string[]> {
  const values = deploymentValues(request.flags, request.config);
  if (!values) {
    if (request.apiBody) return render({}, request);
    if (request.out !== undefined) {
      await buildDashboardFile(request.out);
      return [`wrote ${request.out} (for Grafana's import screen)`];
    }
    const [importFile, provisioned, provider] = await buildAllFiles();
    return [
      `wrote ${importFile} (for Grafana's import screen)`,
      `wrote ${provisioned} (for file provisioning, the Helm chart's sidecar, the Grafana Operator)`,
      `wrote ${provider} (Grafana's dashboard provider for it)`,
    ];
  }
  return render(values, request);
}

async function render(values: NonNullable<ReturnType<typeof deploymentValues>>, request: BuildRequest) {
  const { folder, ...settings } = values;
  const out = await renderDashboardFile(settings, { out: request.out, folder, apiBody: request.apiBody });
  const written = request.apiBody
    ? `wrote ${out} (body for POST /api/dashboards/db)`
    : `wrote ${out} (a dashboard with your values, for Terraform, provisioning or the HTTP API)`;
  const unused =
    folder !== undefined && !request.apiBody
      ? [`note: ${flagOf("folder")} goes into the HTTP API body only (add --api-body); set Terraform's folder itself`]
      : [];
  return [written, ...unused];
}
