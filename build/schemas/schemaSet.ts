// The schemas the validator compiles: Grafana's vendored ones after our relaxations, plus our own.

import { panelTypes } from "../../panels/types";
import alertRules from "./alert-rules.schema.json";
import barchart from "./barchart.jsonschema.json";
import bargauge from "./bargauge.jsonschema.json";
import dashboard from "./dashboard.jsonschema.json";
import dashboardv2 from "./dashboardv2.jsonschema.json";
import dashboardv2beta1 from "./dashboardv2beta1.jsonschema.json";
import envelope from "./envelope.schema.json";
import gauge from "./gauge.jsonschema.json";
import heatmap from "./heatmap.jsonschema.json";
import histogram from "./histogram.jsonschema.json";
import piechart from "./piechart.jsonschema.json";
import prometheus from "./prometheus.jsonschema.json";
import stat from "./stat.jsonschema.json";
import statetimeline from "./statetimeline.jsonschema.json";
import table from "./table.jsonschema.json";
import text from "./text.jsonschema.json";
import timeseries from "./timeseries.jsonschema.json";
import { applyRelaxations, relaxations } from "./relaxations";
import { customFieldConfigValidatorName, optionsValidatorName, v2ValidatorName, v2Versions } from "./validatorNames";

/** Every vendored Grafana schema, by its file name without `.jsonschema.json`. */
const vendoredSchemas = {
  dashboard,
  prometheus,
  timeseries,
  bargauge,
  gauge,
  statetimeline,
  stat,
  table,
  text,
  barchart,
  histogram,
  heatmap,
  piechart,
  dashboardv2,
  dashboardv2beta1,
};

/** Panel schemas without a `FieldConfig` definition: their plugins read no `fieldConfig.defaults.custom`. */
const NO_CUSTOM_FIELD_CONFIG = { type: "object", maxProperties: 0 };

export interface SchemaSet {
  /** Schema key -> schema, as registered with ajv. */
  schemas: Record<string, object>;
  /** Exported validator name -> ajv schema reference. */
  validatorRefs: Record<string, string>;
}

/** A fresh copy each call: ajv and the relaxations may mutate what they are given. */
export function schemaSet(): SchemaSet {
  const vendored = structuredClone(vendoredSchemas);
  applyRelaxations(vendored, relaxations);
  closeTargets(vendored.prometheus.definitions.Dataquery);
  leavePanelsToValidateTs(vendored.dashboard.definitions);
  return {
    schemas: {
      ...vendored,
      envelope: structuredClone(envelope),
      "no-custom-field-config": NO_CUSTOM_FIELD_CONFIG,
      "alert-rules": structuredClone(alertRules),
    },
    validatorRefs: {
      envelope: "envelope",
      alertRules: "alert-rules",
      dashboard: "dashboard#/definitions/Dashboard",
      panel: "dashboard#/definitions/Panel",
      row: "dashboard#/definitions/RowPanel",
      prometheusTarget: "prometheus#/definitions/Dataquery",
      ...Object.fromEntries(
        v2Versions.map((version) => [v2ValidatorName(version), `${version}#/definitions/Dashboard`]),
      ),
      ...panelTypeValidatorRefs(vendored),
    },
  };
}

// The published Dataquery already forbids extra properties; this keeps it so whatever a refresh or a
// relaxation does, since catching the query editor's leftovers (useBackend, disableTextWrap...) is the point.
function closeTargets(dataquery: { additionalProperties: unknown }): void {
  dataquery.additionalProperties = false;
}

// validate.ts checks each panel on its own (to name it, and to pick its type's options schema), so the
// dashboard and row schemas need not look inside `panels`; it also keeps the generated code small.
function leavePanelsToValidateTs(definitions: {
  Dashboard: { properties: { panels: { items: unknown } } };
  RowPanel: { properties: { panels: { items: unknown } } };
}): void {
  definitions.Dashboard.properties.panels.items = true;
  definitions.RowPanel.properties.panels.items = true;
}

/** Each panel type's (panels/types.ts) options and custom field config validators, from its vendored schema. */
function panelTypeValidatorRefs(vendored: Record<string, { definitions: object }>): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [type, { schema }] of Object.entries(panelTypes)) {
    const vendoredSchema = vendored[schema];
    if (!vendoredSchema) {
      throw new Error(
        `panel type "${type}": no vendored schema "${schema}": add build/schemas/${schema}.jsonschema.json from the foundation SDK (build/schemas/README.md) and import it in schemaSet.ts`,
      );
    }
    refs[optionsValidatorName(schema)] = `${schema}#/definitions/Options`;
    refs[customFieldConfigValidatorName(schema)] = Object.hasOwn(vendoredSchema.definitions, "FieldConfig")
      ? `${schema}#/definitions/FieldConfig`
      : "no-custom-field-config";
  }
  return refs;
}
