// What validate.ts needs to know about the compiled validators, without loading ajv or any schema.

import type { ValidateFunction } from "ajv";
import { panelType } from "../../panels/types";

/** The validator of a panel type's `Options`, named after its vendored schema (panels/types.ts). */
export const optionsValidatorName = (schema: string) => `options_${schema}`;
/** The validator of its `fieldConfig.defaults.custom` (its schema's `FieldConfig`, or nothing allowed). */
export const customFieldConfigValidatorName = (schema: string) => `custom_${schema}`;

/** The vendored schema of a panel type, or undefined for a type panels/types.ts does not hold. */
export const panelSchema = (type: string): string | undefined => panelType(type)?.schema;

/** The API versions of Grafana's v2 dashboard resource, each with its vendored schema (build/schemas/<version>.jsonschema.json). */
export const v2Versions = ["dashboardv2", "dashboardv2beta1"] as const;
export type V2Version = (typeof v2Versions)[number];
/** The validator of a whole v2 dashboard spec. */
export const v2ValidatorName = (version: V2Version) => `spec_${version}`;

export type Validator = ValidateFunction<unknown>;
export type Validators = Record<string, Validator>;
