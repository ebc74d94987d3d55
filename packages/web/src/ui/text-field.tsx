/** What {@link TextField} shows and takes. */
export interface TextFieldProps {
  /** The label's words, also the field's accessible name. */
  readonly label: string;
  /** A short note shown after the label in a quieter style, such as "(one a line)". */
  readonly hint?: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** `number` for a number input; text by default. */
  readonly type?: 'text' | 'number';
  /** A password-style input the browser does not fill in, for secrets and tokens. */
  readonly secret?: boolean;
  readonly required?: boolean;
  readonly minLength?: number;
  readonly min?: number;
  readonly placeholder?: string;
  /** Makes the field a text area with this many rows. */
  readonly rows?: number;
  /**
   * For a field that can be wrong: the problem to show under it (null when there is
   * none), tied to the field by `aria-invalid` and `aria-describedby`.
   */
  readonly error?: string | null;
  /** The id of the problem's paragraph; needed with {@link error}. */
  readonly errorId?: string;
}

/** A labelled text input (or text area) with an optional hint and problem. */
export function TextField(props: TextFieldProps) {
  const { error, errorId } = props;
  const problem = error ?? null;
  const common = {
    value: props.value,
    required: props.required,
    placeholder: props.placeholder,
    ...(error !== undefined
      ? {
          'aria-invalid': problem !== null,
          'aria-describedby': problem !== null ? errorId : undefined,
        }
      : {}),
  };
  return (
    <>
      <label>
        {props.label}
        {props.hint !== undefined && (
          <>
            {' '}
            <span className="meta">{props.hint}</span>
          </>
        )}
        {props.rows !== undefined ? (
          <textarea
            {...common}
            rows={props.rows}
            onChange={(e) => {
              props.onChange(e.target.value);
            }}
          />
        ) : (
          <input
            {...common}
            type={props.secret === true ? 'password' : props.type}
            autoComplete={props.secret === true ? 'off' : undefined}
            minLength={props.minLength}
            min={props.min}
            onChange={(e) => {
              props.onChange(e.target.value);
            }}
          />
        )}
      </label>
      {problem !== null && (
        <p id={errorId} className="error">
          {problem}
        </p>
      )}
    </>
  );
}
