import type { z } from 'zod';

/**
 * Checks at compile time that a schema accepts exactly the values of `T`: what it parses
 * is a `T`, and every `T` is something it can parse. Keeps the wire enums in step with
 * the core types they mirror.
 */
export function covering<T>() {
  return <S extends z.ZodType<T>>(schema: [T] extends [z.infer<S>] ? S : never): S => schema;
}
