// Which of a dashboard's queries are PromQL, alike for a v1 file and a v2 resource: a query is judged by its
// data source's type; a data source named by a variable (`${ds}`, `$ds`, an export's `${DS_PROMETHEUS}`)
// by the plugin that variable (or the export's input) chooses from; a query whose data source is unknown
// (none, or a name without a type) runs on the default data source, taken to be Prometheus.

/** A dashboard's data source variables (and an export's data source inputs): name -> plugin id. */
export type DatasourceVariables = ReadonlyMap<string, string>;

/** Prometheus, or what speaks its API (VictoriaMetrics, Thanos, Mimir, Cortex add Prometheus data sources). */
export const prometheusLike = (type: unknown) =>
  type === undefined || (typeof type === "string" && /prometheus|victoria|^\$\{|^-- Mixed --$/.test(type));

/** The variable a reference names (`$ds`, `${ds}`, `${ds:raw}`), if it names one. */
const variableIn = (ref: string) => /^\$(?:\{([^}:]+)(?::[^}]*)?\}|(\w+))$/.exec(ref)?.slice(1).find(Boolean);

const nonEmpty = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Whether a query on the data source of this `type` and `uid` (either may be missing, or a variable
 * reference) reads PromQL.
 */
export function readsPromql(type: unknown, uid: unknown, variables: DatasourceVariables): boolean {
  for (const ref of [nonEmpty(type), nonEmpty(uid)]) {
    const name = ref === undefined ? undefined : variableIn(ref);
    const plugin = name === undefined ? undefined : variables.get(name);
    if (plugin !== undefined) return prometheusLike(plugin);
  }
  const known = nonEmpty(type);
  return known === undefined || prometheusLike(known);
}
