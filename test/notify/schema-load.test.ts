// The notification settings module parses its defaults while it loads. A schema broken so that
// this throws must fail a test; in schema.test.ts it would only stop the file from loading, which
// Stryker counts as no test at all (stryker-js: a module that fails to import looks "survived").
import { describe, expect, it } from "vitest";

describe("the notification settings module", () => {
  it("loads, and its defaults are what the schema makes of nothing", async () => {
    const schema = await import("../../src/notify/schema.js");
    expect(schema.DEFAULT_NOTIFICATION_SETTINGS).toEqual(schema.notificationSettingsSchema.parse({}));
    expect(Object.isFrozen(schema.DEFAULT_NOTIFICATION_SETTINGS)).toBe(true);
    expect(schema.DEFAULT_NOTIFICATION_SETTINGS.telegram).toEqual({
      enabled: false,
      botToken: "",
      chatId: "",
      apiBase: "https://api.telegram.org",
    });
  });
});
