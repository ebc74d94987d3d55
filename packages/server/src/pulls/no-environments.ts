/**
 * The answer to a deploy command (`/deploy ENV` on a pull request, `/slipway deploy` in
 * chat) until environments exist.
 */
export function noEnvironmentsAnswer(environment: string | undefined): string {
  return `no environments are configured yet, so there is nothing to deploy${environment !== undefined ? ' to that environment' : ''}`;
}
