// @vitest-environment happy-dom
import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/errors";
import { initI18n } from "../../i18n";
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

  it("find the server's message for a field", () => {
    const error = new ApiError(400, {
      error: "Invalid body: schedule.cron: runs every 5 minutes",
      code: "invalid_input",
      field: "schedule.cron",
      issues: [{ field: "schedule.cron", message: "runs every 5 minutes" }],
    });
    expect(fieldError(error, "schedule.cron")).toBe("runs every 5 minutes");
    expect(fieldError(error, "days")).toBeUndefined();
    expect(fieldError(new Error("x"), "days")).toBeUndefined();
  });
});
