import { z } from 'zod';

export const Health = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;

export const Readiness = z.object({ status: z.literal('ready') });
export type Readiness = z.infer<typeof Readiness>;
