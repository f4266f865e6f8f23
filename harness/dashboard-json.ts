// The slice of Grafana's dashboard JSON the evaluator reads.
import type { AnnotationJson } from "./annotations";
import type { OverrideJson } from "./overrides";
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
  timeFrom?: string;
  timeShift?: string;
  interval?: string;
  maxDataPoints?: number;
  datasource?: DatasourceRef;
  options?: { reduceOptions?: { calcs?: string[] } };
  fieldConfig?: { overrides?: OverrideJson[] };
  targets?: TargetJson[];
  panels?: PanelJson[];
}
export interface TargetJson {
  refId: string;
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
