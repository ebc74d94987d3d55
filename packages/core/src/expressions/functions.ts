import type { ExpressionValue } from './expression-value.js';
import { valueToString } from './expression-value.js';
import { compileFormat } from './format-string.js';

/** How a run has gone so far, for the status functions. */
export interface OutcomeFacts {
  readonly failed: boolean;
  readonly cancelled: boolean;
}

/** Thrown by a function implementation; the caller adds the position. */
export class FunctionFailure extends Error {}

interface FunctionSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Set for functions that read the run's status. */
  readonly needsStatus: boolean;
  call(args: readonly ExpressionValue[], status: OutcomeFacts | undefined): ExpressionValue;
}

const statusFunction = (read: (s: OutcomeFacts) => boolean): FunctionSpec => ({
  minArgs: 0,
  maxArgs: 0,
  needsStatus: true,
  call: (_args, status) => (status ? read(status) : false),
});

const stringTest = (test: (s: string, t: string) => boolean): FunctionSpec => ({
  minArgs: 2,
  maxArgs: 2,
  needsStatus: false,
  call: ([a = null, b = null]) => test(valueToString(a), valueToString(b)),
});

/** The functions expressions may call, by name. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  startsWith: stringTest((s, prefix) => s.startsWith(prefix)),
  endsWith: stringTest((s, suffix) => s.endsWith(suffix)),
  contains: stringTest((haystack, needle) => haystack.includes(needle)),
  format: {
    minArgs: 1,
    maxArgs: Infinity,
    needsStatus: false,
    call: ([pattern = null, ...args]) => {
      const parts = compileFormat(valueToString(pattern));
      if (typeof parts === 'string') throw new FunctionFailure(parts);
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        if (part >= args.length) throw new FunctionFailure(missingArgument(part, args.length));
        out += valueToString(args[part] ?? null);
      }
      return out;
    },
  },
  success: statusFunction((s) => !s.failed && !s.cancelled),
  failure: statusFunction((s) => s.failed),
  cancelled: statusFunction((s) => s.cancelled),
  always: { minArgs: 0, maxArgs: 0, needsStatus: false, call: () => true },
};

export const FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

/** The spec of a known function, or undefined (never one inherited from Object). */
export function findFunction(name: string): FunctionSpec | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

export function missingArgument(index: number, given: number): string {
  return `format(): {${index}} has no argument (${given} given after the pattern)`;
}
