import { describe, expect, it } from 'vitest';
import { isSlackSignature, slackSignature } from './slack-signature.js';

/** The example of Slack's "Verifying requests from Slack" guide. */
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signatures', () => {
  it("signs as Slack's guide shows", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(isSlackSignature(SECRET, TIMESTAMP, BODY, SIGNATURE)).toBe(true);
  });

  it('refuses another body, timestamp, secret or form of the signature', () => {
    expect(isSlackSignature(SECRET, TIMESTAMP, `${BODY}&x=1`, SIGNATURE)).toBe(false);
    expect(isSlackSignature(SECRET, '1531420619', BODY, SIGNATURE)).toBe(false);
    expect(isSlackSignature(`${SECRET}0`, TIMESTAMP, BODY, SIGNATURE)).toBe(false);
    expect(isSlackSignature(SECRET, TIMESTAMP, BODY, SIGNATURE.toUpperCase())).toBe(false);
    expect(isSlackSignature(SECRET, TIMESTAMP, BODY, '')).toBe(false);
  });
});
