// The schemas the validator compiles: Grafana's vendored ones after our relaxations, plus our own.

import alertRules from "./alert-rules.schema.json";
import bargauge from "./bargauge.jsonschema.json";
import dashboard from "./dashboard.jsonschema.json";
import envelope from "./envelope.schema.json";
import gauge from "./gauge.jsonschema.json";
import prometheus from "./prometheus.jsonschema.json";
import statetimeline from "./statetimeline.jsonschema.json";
import timeseries from "./timeseries.jsonschema.json";
import { applyRelaxations, relaxations } from "./relaxations";
import {
  type PanelType,
  customFieldConfigValidatorName,
  optionsValidatorName,
  panelSchemaByType,
} from "./validatorNames";

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
  const vendored = structuredClone({ dashboard, prometheus, timeseries, bargauge, gauge, statetimeline });
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

function panelTypeValidatorRefs(vendored: Record<string, { definitions: object }>): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const type of Object.keys(panelSchemaByType) as PanelType[]) {
    const schema = panelSchemaByType[type];
    refs[optionsValidatorName(type)] = `${schema}#/definitions/Options`;
    refs[customFieldConfigValidatorName(type)] = Object.hasOwn(vendored[schema]!.definitions, "FieldConfig")
      ? `${schema}#/definitions/FieldConfig`
      : "no-custom-field-config";
  }
  return refs;
}
