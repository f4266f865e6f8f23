// Grafana's two ways of filling an exported dashboard's `__inputs`, modelled from its source. Which one
// runs depends on the Grafana version and its `kubernetesDashboards` toggle
// (public/app/features/manage-dashboards/DashboardImportPage.tsx): the Import page of the k8s dashboard API
// fills a few known places in the browser; the legacy page posts to /api/dashboards/import, which replaces
// `${NAME}` in every string. A file meant for both must only put placeholders where both fill them.
import { type Json, type JsonObject, isObject } from "../io/json";
import { mapPanels } from "../dashboards/rows";

/** One `__inputs` entry of an exported dashboard, as Grafana reads it. */
export interface ImportInput {
  name: string;
  type: string;
  label?: string;
  description?: string;
  /** A constant's proposed answer: the import form's field starts with it. */
  value?: string;
  pluginId?: string;
}

/** What the person enters on the import form, by input name; a constant left out keeps the form's default. */
export type ImportAnswers = Readonly<Record<string, string>>;

export type ImportFlow = "import page" | "import API";
export const importFlows: readonly ImportFlow[] = ["import page", "import API"];

/** A data source the form's picker selected: Grafana hands the import its uid, type and name. */
interface PickedDatasource {
  uid: string;
  type: string;
  name: string;
}

/** Grafana's "Import dashboard" with the given answers, through either flow; throws what the form would refuse. */
export function importDashboard(dashboardJson: string, flow: ImportFlow, answers: ImportAnswers): JsonObject {
  const dashboard = JSON.parse(dashboardJson) as JsonObject;
  const inputs = (dashboard.__inputs ?? []) as unknown as ImportInput[];
  const form = fillForm(inputs, answers);
  return flow === "import page" ? applyOnPage(dashboard, inputs, form) : applyThroughApi(dashboard, inputs, form);
}

/**
 * Both forms (import/components/ImportForm.tsx and the legacy components/ImportDashboardForm.tsx) register
 * every data source picker and every constant field with `{ required: true }`; a constant's field starts
 * with the input's `value`, a data source picker with nothing (`noDefault`).
 */
function fillForm(inputs: readonly ImportInput[], answers: ImportAnswers): Map<string, string | PickedDatasource> {
  const unknown = Object.keys(answers).filter((name) => !inputs.some((input) => input.name === name));
  if (unknown.length > 0) throw new Error(`the import form has no field for ${unknown.join(", ")}`);
  const form = new Map<string, string | PickedDatasource>();
  for (const input of inputs) {
    // Server-side expressions are no data source to pick: neither form shows them.
    if (isExpression(input)) continue;
    const answer = answers[input.name];
    if (input.type === "datasource") {
      if (!answer) throw new Error(`${input.name}: A data source is required`);
      // The harness's data sources are known by uid alone: their name is their uid.
      form.set(input.name, { uid: answer, type: input.pluginId ?? "", name: answer });
    } else if (input.type === "constant") {
      const value = answer ?? input.value ?? "";
      if (value === "") throw new Error(`${input.name}: ${input.label ?? input.name} needs a value`);
      form.set(input.name, value);
    }
  }
  return form;
}

/**
 * The k8s Import page: `applyV1Inputs` in public/app/features/manage-dashboards/import/utils/inputs.ts.
 * It replaces data source references whose uid is `${NAME}` (panels, their targets, rows' panels,
 * annotations, query variables), a datasource variable's `current` starting with `$`, and a constant
 * variable whose `query` is exactly `${NAME}`. Any other placeholder stays in the saved dashboard.
 * (Earlier versions of that file filled no constant variable at all; a file with a data source input only
 * imports the same through either.)
 */
function applyOnPage(
  dashboard: JsonObject,
  inputs: readonly ImportInput[],
  form: Map<string, string | PickedDatasource>,
): JsonObject {
  const picked = (ref: Json | undefined): PickedDatasource | undefined => {
    const placeholder = typeof ref === "string" ? ref : isObject(ref) ? ref.uid : undefined;
    if (typeof placeholder !== "string" || !placeholder.startsWith("$")) return undefined;
    const name = placeholder.replace(/\$\{(.*)\}/, "$1");
    const input = inputs.find((i) => i.type === "datasource" && i.name === name);
    const chosen = input && form.get(input.name);
    return typeof chosen === "object" ? chosen : undefined;
  };
  const withDatasource = <T extends JsonObject>(item: T): T => {
    const ds = picked(item.datasource);
    return ds ? { ...item, datasource: { uid: ds.uid, type: ds.type } } : item;
  };
  const panel = (p: JsonObject): JsonObject => ({
    ...withDatasource(p),
    ...(Array.isArray(p.targets) ? { targets: p.targets.map((t) => withDatasource(t as JsonObject)) } : {}),
  });
  const variable = (v: JsonObject): JsonObject => {
    if (v.type === "constant") {
      const input = inputs.find((i) => i.type === "constant" && v.query === `\${${i.name}}`);
      const value = input && form.get(input.name);
      if (typeof value === "string") {
        return { ...v, query: value, current: { text: value, value }, options: [{ text: value, value }] };
      }
    }
    if (v.type === "query") return withDatasource(v);
    if (v.type === "datasource" && isObject(v.current)) {
      const ds = picked(String(v.current.value ?? ""));
      if (ds) return { ...v, current: { text: ds.name, value: ds.uid } };
    }
    return v;
  };
  const annotations = dashboard.annotations as { list?: JsonObject[] } | undefined;
  const templating = dashboard.templating as { list?: JsonObject[] } | undefined;
  return {
    ...dashboard,
    ...(annotations ? { annotations: { ...annotations, list: (annotations.list ?? []).map(withDatasource) } } : {}),
    ...(Array.isArray(dashboard.panels) ? { panels: mapPanels(dashboard.panels as JsonObject[], panel) } : {}),
    templating: { ...templating, list: (templating?.list ?? []).map(variable) },
  };
}

/**
 * The legacy page, through /api/dashboards/import: pkg/services/dashboardimport/utils/dash_template_evaluator.go.
 * Every input needs an answer, then each `${NAME}` of an input is replaced in every string of the JSON,
 * at any depth; `__inputs` keys are dropped, other `${...}` (the dashboard's own variables) stay.
 */
function applyThroughApi(
  dashboard: JsonObject,
  inputs: readonly ImportInput[],
  form: Map<string, string | PickedDatasource>,
): JsonObject {
  const values = new Map<string, string>();
  for (const input of inputs) {
    // The evaluator forces an expression input to `__expr__`, whatever was sent.
    const answer = isExpression(input) ? expressionUid : form.get(input.name);
    if (answer === undefined) throw new Error(`Dashboard input variable: ${input.name} missing from import command`);
    // The legacy page sends a picked data source as its uid (import/legacy/actions.ts).
    values.set(`\${${input.name}}`, typeof answer === "string" ? answer : answer.uid);
  }
  const evaluate = (value: Json): Json => {
    if (typeof value === "string") return value.replace(/\$\{.+?\}/g, (match) => values.get(match) ?? match);
    if (Array.isArray(value)) return value.map(evaluate);
    if (isObject(value)) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== "__inputs")
          .map(([key, item]) => [key, evaluate(item)]),
      );
    }
    return value;
  };
  return evaluate(dashboard) as JsonObject;
}

const expressionUid = "__expr__";
const isExpression = (input: ImportInput) => input.type === "datasource" && input.pluginId === expressionUid;
