// What Grafana does to a query before sending it: import-time inputs, then dashboard and built-in variables.

export interface ImportAnswers {
  DATASOURCE: string;
  SCRAPE_JOB: string;
  INSTANCE: string;
}

/** Grafana's "Import dashboard": replaces `${INPUT}` for every `__inputs` entry, anywhere in the JSON. */
export function applyImportAnswers(dashboardJson: string, answers: ImportAnswers): unknown {
  const imported = dashboardJson.replace(/\$\{(\w+)\}/g, (match, name: string) =>
    name in answers ? JSON.stringify(answers[name as keyof ImportAnswers]).slice(1, -1) : match,
  );
  return JSON.parse(imported);
}

export interface QueryTime {
  /** Panel range in seconds (its relative time override, else the dashboard's). */
  rangeSeconds: number;
  /** Step Grafana chose for the panel, in seconds ($__interval). */
  intervalSeconds: number;
  /** The datasource's scrape interval setting, in seconds. */
  scrapeIntervalSeconds: number;
}

/** Grafana's $__rate_interval: at least four scrapes, and at least one step plus a scrape. */
export const rateIntervalSeconds = (t: QueryTime) =>
  Math.max(t.intervalSeconds + t.scrapeIntervalSeconds, 4 * t.scrapeIntervalSeconds);

/** Replaces dashboard variables (`$name`, `${name}`) and Grafana's built-ins in one query. */
export function interpolate(expr: string, variables: Record<string, string>, t: QueryTime): string {
  const values: Record<string, string> = {
    ...variables,
    __interval: `${t.intervalSeconds}s`,
    __interval_ms: `${t.intervalSeconds * 1000}`,
    __rate_interval: `${rateIntervalSeconds(t)}s`,
    __range: `${t.rangeSeconds}s`,
    __range_s: `${t.rangeSeconds}`,
    __range_ms: `${t.rangeSeconds * 1000}`,
  };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
    const name = (braced ?? bare) as string;
    if (!(name in values)) throw new Error(`unknown variable ${match} in: ${expr}`);
    return values[name] as string;
  });
}
