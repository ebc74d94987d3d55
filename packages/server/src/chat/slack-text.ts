/**
 * Text for a Slack message with `&`, `<` and `>` escaped as Slack asks, so that words
 * from commands, run and task names can never become mentions (`<!channel>`) or links.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
