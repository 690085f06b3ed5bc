// @vitest-environment happy-dom
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import i18next from "i18next";
import type { ReactNode } from "react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/errors";
import { initI18n } from "../../i18n";
import { ScanSection, ScheduleSection, scanDraftOf } from "./ScanSections";
import { DirtyContext, fieldError, SettingsSection, useUnsavedGuard } from "./shared";

const wrap = (ui: ReactNode) => render(<MantineProvider env="test">{ui}</MantineProvider>);

beforeAll(() => {
  initI18n("en");
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** happy-dom has no window.confirm: a stand-in that answers `answer`. */
function stubConfirm(answer: boolean) {
  const confirm = vi.fn(() => answer);
  Object.defineProperty(window, "confirm", { value: confirm, configurable: true, writable: true });
  return confirm;
}

function Page({ dirty }: { dirty: boolean }) {
  const report = useUnsavedGuard();
  return (
    <DirtyContext.Provider value={report}>
      <a href="/jobs">Jobs</a>
      <SettingsSection
        id="scans"
        title="Scans"
        save={{ dirty, saving: false, saved: false, error: null, onSave: () => {}, onReset: () => {} }}
      >
        <span>fields</span>
      </SettingsSection>
    </DirtyContext.Provider>
  );
}

describe("settings sections", () => {
  it("mark unsaved changes and save only when there are some", () => {
    wrap(<Page dirty={true} />);
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Save Scans" }) as HTMLButtonElement).disabled).toBe(false);
    cleanup();
    wrap(<Page dirty={false} />);
    expect(screen.queryByText("Unsaved changes")).toBeNull();
    expect((screen.getByRole("button", { name: "Save Scans" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("ask before a link leaves the page with unsaved changes", () => {
    const confirm = stubConfirm(false);
    wrap(<Page dirty={true} />);
    const event = new MouseEvent("click", { bubbles: true, cancelable: true });
    screen.getByText("Jobs").dispatchEvent(event);
    expect(confirm).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });

  it("let links go when nothing is unsaved", () => {
    const confirm = stubConfirm(false);
    wrap(<Page dirty={false} />);
    fireEvent.click(screen.getByText("Jobs"));
    expect(confirm).not.toHaveBeenCalled();
  });

  it("word a field's issue from its code, never from the server's English", async () => {
    const english = "runs every 5 minutes: schedules may run at most once an hour";
    const error = new ApiError(400, {
      error: `Invalid body: schedule.cron: ${english}`,
      code: "invalid_input",
      field: "schedule.cron",
      issues: [{ field: "schedule.cron", code: "cron_too_often", params: { minutes: 5 }, message: english }],
    });
    const t = i18next.t.bind(i18next);
    expect(fieldError(t, error, "schedule.cron")).toBe(
      "Runs every 5 minutes: a schedule may run at most once an hour.",
    );
    await i18next.changeLanguage("de");
    expect(fieldError(t, error, "schedule.cron")).toBe(
      "Läuft alle 5 Minuten: Ein Zeitplan darf höchstens einmal pro Stunde laufen.",
    );
    await i18next.changeLanguage("en");
    expect(fieldError(t, error, "days")).toBeUndefined();
    expect(fieldError(t, new Error("x"), "days")).toBeUndefined();
  });
});

/** A 400 as the server shapes it (src/http/errors.ts invalidInput): English `error`, coded issues. */
function invalidInput(issue: {
  field: string;
  code: string;
  params?: Record<string, unknown>;
  message: string;
}) {
  return new Response(
    JSON.stringify({
      error: `Invalid body: ${issue.field}: ${issue.message}`,
      code: "invalid_input",
      field: issue.field,
      issues: [issue],
    }),
    { status: 400, headers: { "Content-Type": "application/json" } },
  );
}

describe("a German settings form", () => {
  const withQuery = (ui: ReactNode) =>
    wrap(<QueryClientProvider client={new QueryClient()}>{ui}</QueryClientProvider>);
  afterEach(async () => {
    vi.unstubAllGlobals();
    await i18next.changeLanguage("en");
  });

  it("shows cron_too_often in German and none of the server's English", async () => {
    await i18next.changeLanguage("de");
    const english = "runs every 5 minutes: schedules may run at most once an hour";
    const fetch = vi.fn(async () =>
      invalidInput({
        field: "schedule.cron",
        code: "cron_too_often",
        params: { minutes: 5 },
        message: english,
      }),
    );
    vi.stubGlobal("fetch", fetch);
    withQuery(
      <ScheduleSection
        settings={{ enabled: true, mode: "cron", time: "03:30", cron: "*/5 * * * *", timezone: null }}
      />,
    );
    await screen.findAllByText(
      /Läuft alle 5 Minuten: Ein Zeitplan darf höchstens einmal pro Stunde laufen\./,
      undefined,
      {
        timeout: 3000,
      },
    );
    expect(fetch).toHaveBeenCalled();
    expect(document.body.textContent).not.toContain(english);
    expect(document.body.textContent).not.toContain("at most once an hour");
  });

  it("shows too_small on its field in German after a refused save", async () => {
    await i18next.changeLanguage("de");
    const fetch = vi.fn(async () =>
      invalidInput({
        field: "days",
        code: "too_small",
        params: { minimum: 1, inclusive: true, origin: "number" },
        message: "Too small: expected number to be >=1",
      }),
    );
    vi.stubGlobal("fetch", fetch);
    const settings = {
      all: false,
      days: 30,
      maxItems: 500,
      includeChildren: true,
      matchUnmatched: true,
      matchAutomatically: true,
      matchMinScore: 85,
      matchMinLead: 10,
      dryRun: false,
      concurrency: 4,
      requestDelayMs: 0,
      itemTimeoutSeconds: 120,
      outageWaitSeconds: 120,
      retryPoolLimit: 50,
      backoffHours: 24,
      placeholderChecks: "360, 1440",
    };
    withQuery(<ScanSection settings={settings} />);
    fireEvent.change(screen.getByLabelText(/Hinzugefügt in den letzten … Tagen/), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Scans speichern" }));
    await screen.findByText("Muss mindestens 1 sein.");
    expect(fetch).toHaveBeenCalledWith("/api/settings", expect.objectContaining({ method: "PUT" }));
    expect(document.body.textContent).not.toMatch(/Too small|expected number/);
  });

  it("sends the placeholder checks as a list of minutes and shows the refusal on that field", async () => {
    await i18next.changeLanguage("de");
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      invalidInput({
        field: "placeholderCheckOffsetsMinutes",
        code: "offsets_ascending",
        message: "each time must be later than the one before",
      }),
    );
    vi.stubGlobal("fetch", fetch);
    const settings = {
      ...scanDraftOf({
        all: true,
        days: 30,
        maxItems: 500,
        includeChildren: true,
        matchUnmatched: true,
        matchAutomatically: true,
        matchMinScore: 85,
        matchMinLead: 10,
        dryRun: false,
        concurrency: 4,
        requestDelayMs: 0,
        itemTimeoutSeconds: 120,
        outageWaitSeconds: 120,
        retryPoolLimit: 50,
        backoffHours: 24,
        placeholderCheckOffsetsMinutes: [360, 1440, 4320],
      }),
    };
    expect(settings.placeholderChecks).toBe("360, 1440, 4320");
    withQuery(<ScanSection settings={settings} />);
    fireEvent.change(screen.getByLabelText(/Platzhalter-Episoden erneut prüfen/), {
      target: { value: "1440; 360 , x1" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Scans speichern" }));
    await screen.findByText("Jeder Zeitpunkt muss später als der vorige sein.");
    const body = JSON.parse(String(fetch.mock.calls[0]?.[1]?.body));
    expect(body.placeholderCheckOffsetsMinutes).toEqual([1440, 360, "x1"]);
    expect(body).not.toHaveProperty("placeholderChecks");
    expect(document.body.textContent).not.toContain("later than the one before");
  });
});
