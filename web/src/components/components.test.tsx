// @vitest-environment happy-dom
import { MantineProvider } from "@mantine/core";
import { cleanup, render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ScanResource } from "../../../src/contracts/schemas";
import { LiveContext } from "../events/hooks";
import { LiveStore } from "../events/store";
import { initI18n } from "../i18n";
import { ItemStateBadge, ScanStatusBadge } from "./badges";
import { LiveIndicator } from "./LiveIndicator";
import { LogView, visibleRange } from "./LogView";
import { TitleYear } from "./TitleYear";

const wrap = (ui: ReactNode) => render(<MantineProvider env="test">{ui}</MantineProvider>);

beforeAll(() => {
  initI18n("en");
});
afterEach(cleanup);

describe("state badges", () => {
  it("show text and an icon, not colour alone", () => {
    const { container } = wrap(<ItemStateBadge state="needs_review" />);
    expect(screen.getByText("Needs review")).toBeTruthy();
    expect(container.querySelector("svg")).not.toBeNull();
  });

  it("name a scan status", () => {
    wrap(<ScanStatusBadge status="interrupted" />);
    expect(screen.getByText("Interrupted")).toBeTruthy();
  });
});

describe("log view", () => {
  it("renders only the visible lines of a long log", () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `2026-01-01T00:00:00.000Z INFO  line ${i}`);
    const { container } = wrap(<LogView lines={lines} follow={false} height={400} label="Log" />);
    const rendered = container.querySelectorAll(".log-line").length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(200);
    expect(screen.getByRole("log", { name: "Log" })).toBeTruthy();
  });

  it("computes the window around the scroll position", () => {
    expect(visibleRange(0, 400, 50_000)).toEqual([0, 40]);
    expect(visibleRange(20_000, 400, 50_000)).toEqual([980, 1040]);
    expect(visibleRange(0, 400, 5)).toEqual([0, 5]);
  });
});

describe("live indicator", () => {
  const running = (source: string): ScanResource => ({
    id: 7,
    status: "running",
    source,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: null,
    stats: null,
    error: null,
    progress: { phase: "fixing", done: 2, total: 3, current: null },
    cancelRequested: false,
    settings: {},
  });
  const show = (source: string) => {
    const store = new LiveStore();
    store.applyStatus({ running: running(source), lastFinished: null });
    return wrap(
      <MemoryRouter>
        <LiveContext.Provider value={store}>
          <LiveIndicator />
        </LiveContext.Provider>
      </MemoryRouter>,
    );
  };

  it.each([
    ["scheduler", "Scan running 2 / 3"],
    ["bulk", "Bulk job running 2 / 3"],
  ])("names a %s job for what it is", (source, label) => {
    show(source);
    const link = screen.getByRole("link", { name: label });
    expect(link.getAttribute("href")).toBe("/jobs/7");
  });
});

describe("Plex titles", () => {
  it("isolate the title, so a right-to-left override cannot reverse the year after it", () => {
    const { container } = wrap(<TitleYear title={"\u202eAlien"} year={2024} />);
    const isolated = container.querySelector("bdi");
    expect(isolated?.textContent).toBe("\u202eAlien");
    // The year is outside the isolate: it reads "(2024)" whatever the title holds.
    expect(container.textContent?.endsWith(" (2024)")).toBe(true);
    expect(isolated?.textContent).not.toContain("2024");
  });
});
