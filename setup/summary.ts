// The closing summary: what was written, and where each file goes on the machines of the Debian
// packages (prometheus, victoria-metrics, grafana) and of the official images, which use the same paths.
import { dirname, join } from "node:path";
import { provider } from "../config";
import type { PlannedFile } from "./files";
import type { EngineKind } from "./scrape";

export const fileNames = {
  token: "akkoma_token",
  scrape: { prometheus: "prometheus-akkoma.yml", victoriametrics: "victoria-metrics-scrape.yml" },
  datasources: "datasources.yaml",
  provider: "dashboards.yaml",
  dashboard: "akkoma.json",
} as const;

export interface Placement {
  readonly engine: EngineKind;
  readonly out: string;
  readonly tokenPath: string;
}

function prometheusLines({ out, tokenPath }: Placement): string[] {
  const job = join(out, fileNames.scrape.prometheus);
  return [
    "Prometheus, Debian package (runs as user prometheus; flags go into ARGS in /etc/default/prometheus):",
    `  sudo install -o prometheus -g prometheus -m 600 ${join(out, fileNames.token)} ${tokenPath}`,
    `  add the job in ${job} under scrape_configs: in /etc/prometheus/prometheus.yml`,
    "  (Prometheus 2.43 or newer can instead list the file under scrape_config_files:)",
    "  sudo systemctl reload prometheus",
    "Prometheus, official image (prom/prometheus, runs as uid 65534):",
    `  mount the token at ${tokenPath} (owner 65534, mode 0600) and the job into /etc/prometheus/prometheus.yml`,
  ];
}

function victoriaMetricsLines({ out, tokenPath }: Placement): string[] {
  const folder = dirname(tokenPath);
  const config = join(folder, "scrape.yml");
  return [
    "VictoriaMetrics, Debian package (runs as user _victoria-metrics):",
    `  sudo install -d ${folder}`,
    `  sudo install -o _victoria-metrics -g _victoria-metrics -m 600 ${join(out, fileNames.token)} ${tokenPath}`,
    `  sudo cp ${join(out, fileNames.scrape.victoriametrics)} ${config}`,
    `  add -promscrape.config=${config} to ARGS in /etc/default/victoria-metrics`,
    "  sudo systemctl restart victoria-metrics",
    "VictoriaMetrics, official image (victoriametrics/victoria-metrics):",
    `  mount the token at ${tokenPath} and the scrape file at ${config}; add -promscrape.config=${config}`,
  ];
}

function grafanaLines({ out }: Placement): string[] {
  return [
    "Grafana, Debian package and official image (grafana/grafana), same paths:",
    `  sudo cp ${join(out, fileNames.datasources)} /etc/grafana/provisioning/datasources/akkoma.yaml`,
    `  sudo cp ${join(out, fileNames.provider)} /etc/grafana/provisioning/dashboards/akkoma.yaml`,
    `  sudo install -D -m 644 ${join(out, fileNames.dashboard)} ${provider.path}/${fileNames.dashboard}`,
    `  restart Grafana (sudo systemctl restart grafana-server); the dashboard appears in the folder "${provider.folder}"`,
  ];
}

export function summaryLines(files: readonly PlannedFile[], placement: Placement): string[] {
  const width = Math.max(...files.map((f) => f.path.length));
  return [
    "wrote:",
    ...files.map((f) => `  ${f.path.padEnd(width)}  ${f.purpose}${f.mode === 0o600 ? " (mode 0600)" : ""}`),
    "copy them where they are read:",
    ...(placement.engine === "prometheus" ? prometheusLines(placement) : victoriaMetricsLines(placement)),
    ...grafanaLines(placement),
  ];
}
