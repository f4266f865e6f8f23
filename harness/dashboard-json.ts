// The slice of Grafana's dashboard JSON the evaluator reads.
import type { AnnotationJson } from "./annotations";
import type { FieldConfigJson } from "./frames";
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
