// What validate.ts needs to know about the compiled validators, without loading ajv or any schema.

import type { ValidateFunction } from "ajv";
import { panelType } from "../../panels/types";

/** The validator of a panel type's `Options`, named after its vendored schema (panels/types.ts). */
export const optionsValidatorName = (schema: string) => `options_${schema}`;
/** The validator of its `fieldConfig.defaults.custom` (its schema's `FieldConfig`, or nothing allowed). */
export const customFieldConfigValidatorName = (schema: string) => `custom_${schema}`;

/** The vendored schema of a panel type, or undefined for a type panels/types.ts does not hold. */
export const panelSchema = (type: string): string | undefined => panelType(type)?.schema;

export type Validator = ValidateFunction<unknown>;
export type Validators = Record<string, Validator>;
