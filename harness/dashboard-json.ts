// The slice of Grafana's dashboard JSON the evaluator reads: the harness's other files read these shapes,
// and this file reads none of theirs but the variables'.
import type { VariableJson } from "./variables";

export interface DashboardJson {
  __inputs?: { name: string; type: string }[];
  annotations?: { list?: AnnotationJson[] };
  time?: { from: string; to: string };
  templating?: { list?: VariableJson[] };
  panels?: PanelJson[];
}
export interface DatasourceRef {
  type?: string;
  uid?: string;
}
export interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  pluginVersion?: string;
  timeFrom?: string;
  timeShift?: string;
  interval?: string;
  maxDataPoints?: number;
  datasource?: DatasourceRef;
  options?: PanelOptionsJson;
  fieldConfig?: FieldConfigJson;
  targets?: TargetJson[];
  panels?: PanelJson[];
  collapsed?: boolean;
}
/** A panel plugin's options; single-value panels say how a series becomes one number. */
export interface PanelOptionsJson {
  reduceOptions?: { calcs?: string[]; values?: boolean; fields?: string; limit?: number };
  [option: string]: unknown;
}
export interface TargetJson {
  refId: string;
  legendFormat?: string;
  datasource?: DatasourceRef;
  hide?: boolean;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  interval?: string;
  type?: string;
  expression?: string;
  reducer?: string;
  settings?: { mode?: string; replaceWithValue?: number };
}
export interface AnnotationJson {
  name: string;
  enable?: boolean;
  builtIn?: number;
  datasource?: { type?: string; uid?: string };
  /** Grafana 10+ keeps the query in `target`; older files have `expr` and `step` beside it. */
  target?: { expr?: string; interval?: string };
  expr?: string;
  step?: string;
  titleFormat?: string;
  textFormat?: string;
  tagKeys?: string;
  useValueForTime?: boolean;
}

/** A panel's `fieldConfig` as the dashboard JSON holds it. */
export interface FieldConfigJson {
  defaults?: Record<string, unknown>;
  overrides?: { matcher: { id: string; options?: unknown }; properties?: { id: string; value?: unknown }[] }[];
}
