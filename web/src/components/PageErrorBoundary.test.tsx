// @vitest-environment happy-dom
import { MantineProvider } from "@mantine/core";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { initI18n } from "../i18n";
import { isChunkLoadError } from "../pages/lazy";
import { AUTO_RELOAD_KEY, PageErrorBoundary } from "./PageErrorBoundary";

const CHUNK = new TypeError(
  "Failed to fetch dynamically imported module: http://127.0.0.1/assets/Items-abc.js",
);

function Throws({ error }: { error: unknown }): never {
  throw error;
}

function renderFailing(error: unknown, probe: () => Promise<boolean>, reload: () => void) {
  return render(
    <MantineProvider env="test">
      <PageErrorBoundary probe={probe} reload={reload}>
        <Throws error={error} />
      </PageErrorBoundary>
    </MantineProvider>,
  );
}

beforeAll(() => {
  initI18n("en");
});
beforeEach(() => {
  sessionStorage.clear();
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("page error boundary", () => {
  it("knows a failed chunk in each browser's words, and not a render error", () => {
    expect(isChunkLoadError(CHUNK)).toBe(true);
    expect(isChunkLoadError(new TypeError("error loading dynamically imported module"))).toBe(true);
    expect(isChunkLoadError(new TypeError("Importing a module script failed."))).toBe(true);
    expect(isChunkLoadError(new Error("Unable to preload CSS for /assets/x.css"))).toBe(true);
    expect(isChunkLoadError(new TypeError("x is undefined"))).toBe(false);
  });

  it("shows 'Reload to continue' for missing code and reloads once the server answers", async () => {
    vi.useFakeTimers();
    let up = false;
    const reload = vi.fn();
    renderFailing(CHUNK, async () => up, reload);
    expect(screen.getByRole("heading", { name: "Reload to continue" })).toBeTruthy();
    expect(screen.getByText("Waiting for the server…")).toBeTruthy();
    expect(screen.getByText(/reloads by itself as soon as the server answers/)).toBeTruthy();
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(reload).not.toHaveBeenCalled();
    up = true;
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(reload).toHaveBeenCalledTimes(1);
    expect(Number(sessionStorage.getItem(AUTO_RELOAD_KEY))).toBeGreaterThan(0);
  });

  it("does not reload again right after a reload (no loop); the button still does", async () => {
    sessionStorage.setItem(AUTO_RELOAD_KEY, String(Date.now()));
    const reload = vi.fn();
    renderFailing(CHUNK, async () => true, reload);
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(reload).not.toHaveBeenCalled();
    expect(screen.getByText(/reloaded a moment ago/)).toBeTruthy();
    expect(screen.queryByText(/reloads by itself/)).toBeNull();
    screen.getByRole("button", { name: "Reload now" }).click();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it("catches a render error with the same screen, without reloading by itself", async () => {
    const reload = vi.fn();
    const probe = vi.fn(async () => true);
    renderFailing(new Error("boom"), probe, reload);
    expect(screen.getByRole("heading", { name: "Reload to continue" })).toBeTruthy();
    expect(screen.getByText(/went wrong while showing this page/)).toBeTruthy();
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(probe).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });
});
