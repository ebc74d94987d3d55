import type { PipelineParam } from '@slipway/api';
import type { FieldValue } from './param-values.js';

/**
 * One param of a pipeline as a form field: a text input (string), a number input, a
 * checkbox (boolean) or a select (enum), labelled with its name, its description as
 * help text and its error, both tied to the field for screen readers.
 */
export function ParamField({
  param,
  value,
  error,
  onChange,
}: {
  readonly param: PipelineParam;
  readonly value: FieldValue;
  readonly error: string | undefined;
  readonly onChange: (value: FieldValue) => void;
}) {
  const id = `param-${param.name}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const described =
    [param.description !== null ? helpId : '', error !== undefined ? errorId : '']
      .filter((x) => x !== '')
      .join(' ') || undefined;
  const required = param.default === null && param.type !== 'boolean';
  const common = {
    id,
    name: param.name,
    'aria-describedby': described,
    'aria-invalid': error !== undefined ? true : undefined,
    'aria-required': required ? true : undefined,
  };
  const text = typeof value === 'string' ? value : '';

  let control;
  switch (param.type) {
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => {
            onChange(e.target.checked);
          }}
        />
      );
      break;
    case 'enum':
      control = (
        <select
          {...common}
          value={text}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        >
          {!param.values.includes(text) && <option value="">choose…</option>}
          {param.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
    case 'string':
      control = (
        <input
          {...common}
          type={param.type === 'number' ? 'number' : 'text'}
          {...(param.type === 'number' ? { step: 'any' } : {})}
          value={text}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
      );
      break;
  }

  const label = (
    <label htmlFor={id} className={param.type === 'boolean' ? 'check' : undefined}>
      {param.type === 'boolean' && control}
      <span>
        <code>{param.name}</code>
        {required && <span className="hint"> (required)</span>}
      </span>
    </label>
  );
  return (
    <div className="param-field">
      {label}
      {param.type !== 'boolean' && control}
      {param.description !== null && (
        <p id={helpId} className="hint">
          {param.description}
        </p>
      )}
      {error !== undefined && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
