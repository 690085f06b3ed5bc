import { describe, expect, it } from "vitest";
import { requestUrlForLog } from "../../src/log.js";

describe("requestUrlForLog", () => {
  it.each([
    ["/metrics?token=s3cret", "/metrics?token=[redacted]"],
    ["/api/items?state=failed&page=2", "/api/items?state=failed&page=2"],
    ["/x?apiKey=abc&q=1", "/x?apiKey=[redacted]&q=1"],
    ["/x?api_key=abc", "/x?api_key=[redacted]"],
    ["/x?q=1&access_token=abc#frag", "/x?q=1&access_token=[redacted]#frag"],
    ["/x?X-Plex-Token=abc", "/x?X-Plex-Token=[redacted]"],
    ["/x?password=hunter2", "/x?password=[redacted]"],
    ["/x?tokenizer=yes", "/x?tokenizer=yes"],
    ["/api/items?search=token%3Dabc", "/api/items?search=token%3Dabc"],
  ])("%s → %s", (input, expected) => {
    expect(requestUrlForLog(input)).toBe(expected);
  });
});
