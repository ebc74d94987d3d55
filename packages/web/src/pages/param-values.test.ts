import type { PipelineParam } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import { checkParams, initialValues } from './param-values.js';

const PARAMS: PipelineParam[] = [
  { name: 'count', type: 'number', default: null, description: null },
  { name: 'ratio', type: 'number', default: 0.5, description: null },
  { name: 'fast', type: 'boolean', default: null, description: null },
  { name: 'mode', type: 'enum', values: ['a', 'b'], default: 'b', description: null },
  { name: 'note', type: 'string', default: '', description: null },
];

describe('run form params', () => {
  it('start from the defaults: a missing boolean is unticked, a missing number empty', () => {
    expect(initialValues(PARAMS)).toEqual({
      count: '',
      ratio: '0.5',
      fast: false,
      mode: 'b',
      note: '',
    });
  });

  it('are sent typed: numbers as numbers, booleans as booleans, an empty string as given', () => {
    expect(checkParams(PARAMS, { ...initialValues(PARAMS), count: ' -3e2 ' })).toEqual({
      ok: true,
      values: { count: -300, ratio: 0.5, fast: false, mode: 'b', note: '' },
    });
  });

  it('name each field that does not hold a value of its type', () => {
    expect(
      checkParams(PARAMS, { count: 'ten', ratio: 'Infinity', fast: true, mode: 'c', note: 'x' }),
    ).toEqual({
      ok: false,
      errors: {
        count: '"ten" is not a number.',
        ratio: '"Infinity" is not a number.',
        mode: 'Choose one of a, b.',
      },
    });
    expect(checkParams(PARAMS.slice(0, 1), { count: '' })).toEqual({
      ok: false,
      errors: { count: 'Enter a number: this parameter has no default.' },
    });
  });
});
