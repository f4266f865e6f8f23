// The dashboard's variables: which data source, scrape job and instance every panel reads. Job and
// instance are discovered from Akkoma's own series, so one dashboard switches between instances.

import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { defaultScrapeJob, scrapeLabels, variables } from "../config";
import { localUsers } from "../queries/catalogue";
import type { Reader } from "../queries/query";
import { discoverySelector } from "../queries/selectors";
import { datasource } from "../panels/common";

/** What a deployment may preset; each falls back to what Grafana finds when left out. */
export interface VariableDefaults {
  /** Uid of the Prometheus (or VictoriaMetrics) data source; Grafana's default data source otherwise. */
  readonly datasourceUid?: string;
  readonly job?: string;
  readonly instance?: string;
}

// A gauge Akkoma exports from boot on (not a lazy counter), and only Akkoma: the scraper's `up` would
// list every job the data source scrapes. Without it the job and instance lists are empty.
const discoveredFrom = localUsers;

/** Grafana's value for "the default data source", kept by a datasource variable as such. */
const defaultDatasource = "default";

const option = (value: string): dashboard.VariableOption => ({ text: value, value });

/**
 * Grafana keeps a query variable's `current` when it is among the values it discovers on load and
 * selects the first one otherwise: a stale or empty default never blanks the panels.
 */
const discovered = (name: string, label: string, query: string, current: string | undefined) => {
  const builder = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(datasource)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return current === undefined ? builder : builder.current(option(current));
};

export function dashboardVariables(defaults: VariableDefaults = {}): cog.Builder<dashboard.VariableModel>[] {
  const jobs = `label_values(${discoveryOf()}, ${scrapeLabels.job})`;
  const instances = `label_values(${discoveryOf(variables.job)}, ${scrapeLabels.instance})`;
  return [
    new dashboard.DatasourceVariableBuilder(variables.datasource)
      .label("Data source")
      .description("The Prometheus or VictoriaMetrics data source that scrapes Akkoma")
      .type("prometheus")
      .current(option(defaults.datasourceUid ?? defaultDatasource)),
    discovered(variables.job, "Job", jobs, defaults.job ?? defaultScrapeJob).description(
      "The scrape job that reads Akkoma's metrics",
    ),
    discovered(variables.instance, "Instance", instances, defaults.instance || undefined).description(
      "The Akkoma instance, as domain:port",
    ),
  ];
}

const discoveryOf = (jobVariable?: string) =>
  discoverySelector(discoveredFrom, jobVariable ? { jobVariable } : undefined).toString();

/** For `check`: the job and instance lists go empty without the series they are discovered from. */
export const variableReaders = (): Reader[] =>
  [
    [variables.job, scrapeLabels.job],
    [variables.instance, scrapeLabels.instance],
  ].map(([name, label]) => ({
    kind: "variable",
    name: `$${name}`,
    reads: [{ series: discoveredFrom.name, labels: [label as string], lazy: discoveredFrom.lazy }],
  }));
