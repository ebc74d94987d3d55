import { ChatProvider, roleAllows, type ControlStore, type ProjectRole } from '@slipway/core';

/** The Slipway user a Slack user is mapped to; null when an admin has not mapped them. */
export async function slackUserOf(store: ControlStore, slackUser: string): Promise<string | null> {
  return (await store.findChatUser(ChatProvider.Slack, slackUser))?.userName ?? null;
}

/** The refusal an unmapped Slack user gets, saying who can fix it and how. */
export function unmappedRefusal(slackUser: string): string {
  return `Slipway: refused. Your Slack user ${slackUser} is not mapped to a Slipway user: ask a Slipway admin to run \`slipway chat slack map ${slackUser} --user NAME\`.`;
}

/**
 * Whether `user` has at least `needs` in the project: the same role bindings that
 * authorize the user's API tokens, their own and their groups' (chat users never act as
 * server admins).
 */
export async function userMayIn(
  store: ControlStore,
  projectId: string,
  user: string,
  needs: ProjectRole,
): Promise<boolean> {
  const role = await store.findRole(projectId, user);
  return role !== null && roleAllows(role, needs);
}
