import { createContext, useContext } from 'react';
import type { CallerAccess, SlipwayClient } from '@slipway/api';

/** The signed-in caller: a client carrying their token, and what they may do. */
export interface Signed {
  readonly client: SlipwayClient;
  readonly access: CallerAccess;
  readonly signOut: () => void;
}

export const SignedContext = createContext<Signed | null>(null);

/** The signed-in caller; pages render only once signed in. */
export function useSigned(): Signed {
  const signed = useContext(SignedContext);
  if (signed === null) throw new Error('useSigned outside a signed-in page');
  return signed;
}
