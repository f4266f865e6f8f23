// Dashboard variables as Grafana resolves them on load: constants as written, a datasource variable
// to the one data source the harness has, query variables from label values on the engine, in order
// (a later query may read an earlier variable). Grafana keeps a variable's saved `current` when it is
// among the values found and selects the first value otherwise (scenes' MultiValueVariable).

import type { Engine } from "./engines";
import { type TimeRange, interpolate } from "./grafana";

export interface VariableJson {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: { type?: string; uid?: string };
  current?: { text?: string | string[]; value?: string | string[] };
  sort?: number;
  regex?: string;
}

export interface ResolvedVariable {
  readonly value: string;
  /** What Grafana offers in the variable's dropdown (query and datasource variables). */
  readonly options: readonly string[];
}

export interface VariableContext {
  engine: Engine;
  /** The uid the harness's one Prometheus data source has in this pretend Grafana; it is the default too. */
  datasourceUid: string;
  /** The dashboard's time range: Grafana asks for label values within it. */
  range: TimeRange;
  /** What the user picks in a dropdown, by variable name; must be among the options found. */
  select: Readonly<Record<string, string>>;
}

/** Grafana's name for "the default data source", which a datasource variable may keep as its value. */
export const defaultDatasource = "default";

export async function resolveVariables(
  list: readonly VariableJson[],
  context: VariableContext,
): Promise<Map<string, ResolvedVariable>> {
  const resolved = new Map<string, ResolvedVariable>();
  const time = {
    rangeSeconds: Math.round((context.range.toMs - context.range.fromMs) / 1000),
    intervalSeconds: 0,
    scrapeIntervalSeconds: 60,
  };
  const fill = (text: string) =>
    interpolate(text, Object.fromEntries([...resolved].map(([name, v]) => [name, v.value])), time);
  for (const variable of list) {
    switch (variable.type) {
      case "constant":
        resolved.set(variable.name, { value: queryText(variable), options: [] });
        break;
      case "custom":
      case "textbox":
        resolved.set(variable.name, { value: String(variable.current?.value ?? ""), options: [] });
        break;
      case "datasource": {
        if (queryText(variable) !== "prometheus")
          throw unsupported(variable, `a data source of type ${variable.query}`);
        // Grafana offers "default" only to a variable saved with it (scenes' defaultOptionEnabled).
        const saved = String(variable.current?.value ?? "");
        const options =
          saved === defaultDatasource ? [context.datasourceUid, defaultDatasource] : [context.datasourceUid];
        resolved.set(variable.name, choose(variable, options, context));
        break;
      }
      case "query": {
        const query = fill(queryText(variable));
        const datasource = fill(variable.datasource?.uid ?? defaultDatasource);
        if (!isDatasource(datasource, context))
          throw new Error(`variable ${variable.name}: no data source "${datasource}"`);
        const options = sorted(variable, await labelValues(query, variable, context));
        resolved.set(variable.name, choose(variable, options, context));
        break;
      }
      default:
        throw unsupported(variable, `type "${variable.type}"`);
    }
  }
  return resolved;
}

/** A panel's or target's data source uid after interpolation: the harness's one, or the default. */
export const isDatasource = (uid: string, context: Pick<VariableContext, "datasourceUid">) =>
  uid === context.datasourceUid || uid === defaultDatasource;

function choose(variable: VariableJson, options: readonly string[], context: VariableContext): ResolvedVariable {
  const picked = context.select[variable.name];
  if (picked !== undefined) {
    if (!options.includes(picked)) {
      throw new Error(
        `variable ${variable.name}: cannot select "${picked}"; Grafana offers ${JSON.stringify(options)}`,
      );
    }
    return { value: picked, options };
  }
  const current = [variable.current?.value, variable.current?.text].map((v) => String(v ?? ""));
  const kept = current.find((v) => options.includes(v));
  // No values found: Grafana sets the variable to "" and every query filtering on it finds nothing.
  return { value: kept ?? options[0] ?? "", options };
}

const queryText = (variable: VariableJson) =>
  typeof variable.query === "string" ? variable.query : (variable.query?.query ?? "");

/** `label_values(selector, label)` through the engine's label values API, as Grafana's Prometheus data source does. */
async function labelValues(query: string, variable: VariableJson, context: VariableContext): Promise<string[]> {
  const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query.trim());
  if (!match) throw unsupported(variable, `the query "${query}" (label_values is)`);
  const [, selector, label] = match;
  const params = new URLSearchParams({
    start: String(context.range.fromMs / 1000),
    end: String(context.range.toMs / 1000),
  });
  if (selector) params.append("match[]", selector);
  const response = await fetch(`${context.engine.url}/api/v1/label/${label}/values?${params}`);
  const body = (await response.json()) as { status: string; data?: string[]; error?: string };
  if (!response.ok || body.status !== "success") {
    throw new Error(`variable ${variable.name}: ${context.engine.name} refused ${query}: ${body.error}`);
  }
  return body.data ?? [];
}

function sorted(variable: VariableJson, values: string[]): string[] {
  if (variable.regex) throw unsupported(variable, "a regex");
  switch (variable.sort ?? 0) {
    case 0:
      return values;
    case 1:
      return [...values].sort();
    case 2:
      return [...values].sort().reverse();
    default:
      throw unsupported(variable, `sort ${variable.sort}`);
  }
}

const unsupported = (variable: VariableJson, what: string) =>
  new Error(`variable ${variable.name}: ${what} is not supported by the evaluator`);
