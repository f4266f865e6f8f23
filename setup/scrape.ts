// The scraper's and Grafana's side of the set-up: a scrape job that reads the token from a file (never
// inline), for Prometheus' scrape_configs or VictoriaMetrics' -promscrape.config (same format), and the
// Grafana data source whose scrape interval matches, so $__rate_interval spans four real scrapes.
import { yamlText } from "../io/yaml";
import { setup } from "../config";
import { DashboardError } from "../errors";

export type EngineKind = keyof typeof setup.engines;
export const engineKinds = Object.keys(setup.engines) as EngineKind[];
export const engineNames: Record<EngineKind, string> = {
  prometheus: "Prometheus",
  victoriametrics: "VictoriaMetrics",
};

export const metricsPath = "/api/v1/akkoma/metrics";

/** Where the scraper finds Akkoma: its scheme and `host:port`, which becomes the `instance` label. */
export interface ScrapeTarget {
  readonly scheme: "http" | "https";
  readonly address: string;
}

/** `https://social.example.org` -> https, social.example.org:443 (the port written out, as the README's job). */
export function targetOf(instance: string): { origin: string; target: ScrapeTarget } {
  let url: URL;
  try {
    url = new URL(instance);
  } catch {
    throw new DashboardError(`--instance ${instance}`, "not a URL", "e.g. https://social.example.org");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new DashboardError(`--instance ${instance}`, "expected an http(s) URL", "e.g. https://social.example.org");
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== ""))
    throw new DashboardError(
      `--instance ${url.origin}`,
      "expected the instance's address alone",
      "no path, query or user; e.g. https://social.example.org",
    );
  const scheme = url.protocol === "https:" ? "https" : "http";
  const port = url.port || (scheme === "https" ? "443" : "80");
  return { origin: url.origin, target: { scheme, address: `${url.hostname}:${port}` } };
}

export interface ScrapeJob {
  readonly engine: EngineKind;
  readonly job: string;
  readonly target: ScrapeTarget;
  /** Where the scraper reads the token, on the scraper's machine. */
  readonly tokenPath: string;
}

/** A file with `scrape_configs:` alone: a whole prometheus.yml, a scrape_config_files entry or -promscrape.config. */
export function scrapeConfigYaml(scrape: ScrapeJob): string {
  const job = {
    job_name: scrape.job,
    scheme: scrape.target.scheme,
    metrics_path: metricsPath,
    // Akkoma refreshes its values once a minute: scraping faster only repeats them.
    scrape_interval: setup.scrapeInterval,
    authorization: { type: "Bearer", credentials_file: scrape.tokenPath },
    static_configs: [{ targets: [scrape.target.address] }],
  };
  const header = [
    `# ${engineNames[scrape.engine]} scrape job for Akkoma. Made by akkoma-dashboards setup.`,
    `# The token is read from ${scrape.tokenPath} (mode 0600, owned by the scraper's user), never written here.`,
  ];
  return `${header.join("\n")}\n${yamlText({ scrape_configs: [job] })}`;
}

/** Grafana's data source provisioning file (provisioning/datasources/*.yaml). */
export function datasourcesYaml(engine: EngineKind, url: string): string {
  const file = {
    apiVersion: 1,
    datasources: [
      {
        name: setup.datasource.name,
        uid: setup.datasource.uid,
        // VictoriaMetrics answers the Prometheus query API, and the dashboard reads a Prometheus data source.
        type: "prometheus",
        access: "proxy",
        url,
        editable: false,
        // Grafana's "Scrape interval": must match the scrape job's, or $__rate_interval holds too few samples.
        jsonData: { timeInterval: setup.scrapeInterval, httpMethod: "POST" },
      },
    ],
  };
  const header = [
    `# Grafana data source for ${engineNames[engine]} at ${url}: put this file in Grafana's`,
    "# provisioning/datasources/ folder. Made by akkoma-dashboards setup.",
  ];
  return `${header.join("\n")}\n${yamlText(file)}`;
}
