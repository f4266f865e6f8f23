import { akkomaDashboard } from "../dashboards/akkoma";
import { DashboardError } from "../errors";
import { exportEnvelope } from "./envelope";
import { formatJson } from "./format";
import { validateDashboard } from "./validate";
import { writeOutput } from "./write";

export const defaultOutput = "out/grafana_dashboard.json";

/** The dashboard as Grafana imports it: enveloped, checked against Grafana's schemas, formatted. */
export async function exportDashboard(dashboard = akkomaDashboard()): Promise<string> {
  // Validate exactly what will be written: the SDK's objects carry methods that JSON drops.
  const exported: unknown = JSON.parse(JSON.stringify(exportEnvelope(dashboard)));
  const violations = validateDashboard(exported);
  const [first] = violations;
  if (first) {
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : "";
    throw new DashboardError(
      first.panel ? `panel "${first.panel}"` : "dashboard",
      `${first.path}: ${first.message}${more}`,
      "Grafana's published schema rejects this",
    );
  }
  return formatJson(exported);
}

/** Writes the dashboard to `out`: "file" when a file was (re)placed, "stream" for a FIFO or device. */
export async function buildDashboardFile(out: string = defaultOutput): Promise<"file" | "stream"> {
  return writeOutput(out, await exportDashboard());
}
