import type { ParamValue, PipelineParam } from '@slipway/api';

/** What a param's field holds: the text of a text, number or enum field, or a checkbox. */
export type FieldValue = string | boolean;

/** The fields of `params` filled with their defaults (empty when there is none). */
export function initialValues(params: readonly PipelineParam[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const param of params) {
    switch (param.type) {
      case 'boolean':
        values[param.name] = param.default ?? false;
        break;
      case 'number':
        values[param.name] = param.default === null ? '' : String(param.default);
        break;
      case 'string':
      case 'enum':
        values[param.name] = param.default ?? '';
        break;
    }
  }
  return values;
}

/** Typed values to send, or what is wrong with each field that is not valid. */
export type CheckedParams =
  | { readonly ok: true; readonly values: Record<string, ParamValue> }
  | { readonly ok: false; readonly errors: Record<string, string> };

/**
 * Reads the fields as the param types say, as the server will: a number field must hold
 * a finite number, an enum one of its values, and a param without a default a value.
 */
export function checkParams(
  params: readonly PipelineParam[],
  fields: Readonly<Record<string, FieldValue>>,
): CheckedParams {
  const values: Record<string, ParamValue> = {};
  const errors: Record<string, string> = {};
  for (const param of params) {
    const field = fields[param.name];
    const text = typeof field === 'string' ? field : '';
    switch (param.type) {
      case 'boolean':
        values[param.name] = field === true;
        break;
      case 'number': {
        const number = Number(text.trim());
        if (text.trim() === '') {
          errors[param.name] =
            param.default === null
              ? 'Enter a number: this parameter has no default.'
              : `Enter a number (the default is ${String(param.default)}).`;
        } else if (!Number.isFinite(number)) {
          errors[param.name] = `"${text.trim()}" is not a number.`;
        } else {
          values[param.name] = number;
        }
        break;
      }
      case 'enum':
        if (param.values.includes(text)) values[param.name] = text;
        else errors[param.name] = `Choose one of ${param.values.join(', ')}.`;
        break;
      case 'string':
        if (text === '' && param.default === null) {
          errors[param.name] = 'Enter a value: this parameter has no default.';
        } else {
          values[param.name] = text;
        }
        break;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}
