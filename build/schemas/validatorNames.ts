// What validate.ts needs to know about the compiled validators, without loading ajv or any schema.

import type { ValidateFunction } from "ajv";

/** Grafana panel plugin id -> the vendored schema with its `Options` (and, if it has one, `FieldConfig`). */
export const panelSchemaByType = {
  timeseries: "timeseries",
  bargauge: "bargauge",
  gauge: "gauge",
  "state-timeline": "statetimeline",
} as const;
export type PanelType = keyof typeof panelSchemaByType;

export const isKnownPanelType = (type: string): type is PanelType => Object.hasOwn(panelSchemaByType, type);

export const optionsValidatorName = (type: PanelType) => `options_${panelSchemaByType[type]}`;
export const customFieldConfigValidatorName = (type: PanelType) => `custom_${panelSchemaByType[type]}`;

export type Validator = ValidateFunction<unknown>;
export type Validators = Record<string, Validator>;
