const KEY = 'slipway.token';

/** The token the UI signs in with: kept in localStorage when remembered, else for the tab. */
export const session = {
  read(): string | null {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  },
  save(token: string, remember: boolean): void {
    session.clear();
    (remember ? localStorage : sessionStorage).setItem(KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  },
};
