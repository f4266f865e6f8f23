// A foreign v1 dashboard and the v2 dashboard Grafana 13 converts it to (harness/conversion.ts models the
// conversion) are one dashboard: `check --dashboard` must read the same queries from both and say the same.
// The fixtures are the v1 forms whose queries the conversion moves or whose data source is not on the
// target: an annotation's top-level `expr`, a Loki panel whose targets name no data source, a Loki query
// variable, a mixed panel whose targets name data source variables, a string variable query.
import { readDashboardFile } from "../../check/dashboard-file";
import { readV2Dashboard } from "../../check/dashboard-v2";
import { type Source, judge, judgementLines } from "../../check/judge";
import { convertToV2 } from "../../harness/conversion";
import type { JsonObject } from "../../io/json";
import type { Reader } from "../../queries/query";

const prometheus = { type: "prometheus", uid: "prom" };
const loki = { type: "loki", uid: "logs" };
const panel = (id: number, title: string, extra: Record<string, unknown>) => ({
  id,
  type: "timeseries",
  title,
  gridPos: { x: 0, y: id * 8, w: 12, h: 8 },
  ...extra,
});
/** A v1 dashboard: one panel every fixture shares, then the fixture's own parts. */
const dashboard = (parts: { panels?: unknown[]; variables?: unknown[]; annotations?: unknown[] }) => ({
  title: "Foreign",
  schemaVersion: 42,
  templating: { list: parts.variables ?? [] },
  annotations: { list: parts.annotations ?? [] },
  panels: [
    panel(1, "Up", { datasource: prometheus, targets: [{ refId: "A", expr: "up", datasource: prometheus }] }),
    ...(parts.panels ?? []),
  ],
});
const logQuery = 'sum(count_over_time({app="akkoma"} |= "error" [5m]))';

const fixtures: [string, ReturnType<typeof dashboard>, RegExp][] = [
  [
    "an annotation with a top-level expr (the older Prometheus annotation)",
    dashboard({
      annotations: [
        { name: "Deploys", datasource: prometheus, enable: true, iconColor: "blue", expr: "akkoma_deploys_total > 0" },
      ],
    }),
    /akkoma_deploys_total: not exported \(annotations: Deploys\)/,
  ],
  [
    "a Loki panel whose targets name no data source",
    dashboard({ panels: [panel(2, "Errors", { datasource: loki, targets: [{ refId: "A", expr: logQuery }] })] }),
    /^ok: /,
  ],
  [
    "a Loki query variable",
    dashboard({
      variables: [
        { name: "level", type: "query", datasource: loki, query: 'label_values({app="akkoma"} |= "x", level)' },
      ],
    }),
    /^ok: /,
  ],
  [
    "a mixed panel whose targets name a Prometheus and a Loki data source variable",
    dashboard({
      variables: [
        { name: "metrics", type: "datasource", query: "prometheus" },
        { name: "logsource", type: "datasource", query: "loki" },
      ],
      panels: [
        panel(2, "Mixed", {
          datasource: { type: "datasource", uid: "-- Mixed --" },
          targets: [
            { refId: "A", expr: "rate(akkoma_gone_total[5m])", datasource: { uid: "${metrics}" } },
            { refId: "B", expr: logQuery, datasource: { uid: "$logsource" } },
            { refId: "C", expr: logQuery, datasource: loki },
          ],
        }),
      ],
    }),
    /akkoma_gone_total: not exported \(panels: Mixed\)/,
  ],
  [
    "a Prometheus query variable whose query is a plain string, without a definition",
    dashboard({
      variables: [{ name: "host", type: "query", datasource: prometheus, query: "label_values(akkoma_hosts, host)" }],
    }),
    /akkoma_hosts: not exported \(variables: \$host\)/,
  ],
];

const source: Source = {
  shown: "scrape.txt",
  exported: new Map([["up", { labels: new Set(["job", "instance"]) }]]),
  scrape: true,
  notes: [],
};
const lines = (readers: readonly Reader[]) =>
  judgementLines(judge(readers, source, { catalogue: [] }), source.shown, "foreign");
const names = (readers: readonly Reader[]) => readers.map((r) => `${r.kind} ${r.name}`);

describe.each(fixtures)("%s", (_, v1, verdict) => {
  const v1Readers = readDashboardFile(v1, "foreign.json").readers;
  const resource = {
    apiVersion: "dashboard.grafana.app/v2beta1",
    kind: "Dashboard",
    metadata: { name: "foreign" },
    spec: convertToV2(JSON.parse(JSON.stringify(v1)) as JsonObject),
  };
  const v2Readers = readV2Dashboard(resource, "foreign.yaml").readers;

  test("the v1 file gets the verdict its queries call for", () => {
    expect(lines(v1Readers).join("\n")).toMatch(verdict);
    expect(lines(v1Readers).join("\n")).not.toMatch(/does not parse/);
  });

  test("its v2 conversion reads the same queries and gets the same verdict", () => {
    expect(names(v2Readers)).toEqual(names(v1Readers));
    expect(v2Readers).toEqual(v1Readers);
    expect(lines(v2Readers)).toEqual(lines(v1Readers));
  });
});
