// What Grafana loads without its import screen: a dashboard provider for file provisioning, and the
// HTTP API's request body. Neither fills in `__inputs`, so both carry a plain dashboard.

import { yamlText } from "../io/yaml";
import { outputs, provider } from "../config";

/** Grafana's dashboard provider file (provisioning/dashboards/*.yaml) for the folder holding akkoma.json. */
export function providerYaml(): string {
  const file = {
    apiVersion: 1,
    providers: [
      {
        name: provider.name,
        orgId: 1,
        folder: provider.folder,
        type: "file",
        disableDeletion: false,
        updateIntervalSeconds: provider.updateIntervalSeconds,
        allowUiUpdates: provider.allowUiUpdates,
        // A named folder, not one from the files' folders: Grafana ignores `folder` when this is on.
        options: { path: provider.path, foldersFromFilesStructure: false },
      },
    ],
  };
  const header = [
    "# Grafana dashboard provider: put this file in Grafana's provisioning/dashboards/ folder",
    `# and ${outputs.provisionedDashboard} in ${provider.path}/. Made by akkoma-dashboards build.`,
  ];
  return `${header.join("\n")}\n${yamlText(file)}`;
}

/** POST /api/dashboards/db: creates the dashboard, or replaces the one with its uid. */
export const apiRequestBody = (dashboard: unknown, folderUid?: string) => ({
  dashboard,
  ...(folderUid ? { folderUid } : {}),
  overwrite: true,
  message: "akkoma-dashboards build",
});
