// The connection form's rule for the token: it is typed again when the address's origin changes,
// since the server sends a saved token (or PLEX_TOKEN) only to the origin it was set for.
import { describe, expect, it } from "vitest";
import type { PlexConnectionView } from "../../../../src/contracts/setup";
import { connectionPatch, draftOf, tokenNeededAgain } from "./ConnectionFields";

const saved: PlexConnectionView = {
  url: "http://plex.lan:32400",
  token: "••••abcd",
  timeoutSeconds: 30,
  fromEnvironment: { url: false, token: false, timeout: false },
};

describe("the token for a changed address", () => {
  it.each([
    ["http://plex.lan:32400", false],
    ["http://plex.lan:32400/base", false],
    ["HTTP://PLEX.LAN:32400", false],
    ["http://plex.lan:32401", true],
    ["https://plex.lan:32400", true],
    ["http://other.lan:32400", true],
    ["http://plex.lan:3240", true],
  ])("%s → needed again: %s", (url, needed) => {
    expect(tokenNeededAgain(saved, { ...draftOf(saved), url })).toBe(needed);
  });

  it("is not asked for when none is set, or the environment sets the URL", () => {
    const none = { ...saved, token: null };
    expect(tokenNeededAgain(none, { ...draftOf(none), url: "http://other.lan" })).toBe(false);
    const envUrl = { ...saved, fromEnvironment: { url: true, token: false, timeout: false } };
    expect(tokenNeededAgain(envUrl, { ...draftOf(envUrl), url: "http://other.lan" })).toBe(false);
  });

  it("sends a token typed for a new address without Replace token, never the environment's", () => {
    const draft = { ...draftOf(saved), url: "http://other.lan:32400", token: " typed " };
    expect(draft.replaceToken).toBe(false);
    expect(connectionPatch(saved, draft)).toEqual({ url: "http://other.lan:32400", token: "typed" });
    // Same origin: an untouched token field sends nothing, the saved token is kept.
    expect(
      connectionPatch(saved, { ...draftOf(saved), url: "http://plex.lan:32400/base", token: "x" }),
    ).toEqual({ url: "http://plex.lan:32400/base" });
    const envToken = { ...saved, fromEnvironment: { url: false, token: true, timeout: false } };
    expect(connectionPatch(envToken, { ...draft })).toEqual({ url: "http://other.lan:32400" });
  });
});
