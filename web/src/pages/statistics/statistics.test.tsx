// @vitest-environment happy-dom
import { MantineProvider } from "@mantine/core";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StatsHistory } from "../../../../src/contracts/schemas";
import { initI18n } from "../../i18n";
import { StatisticsBody } from "../Statistics";

const wrap = (data: StatsHistory) =>
  render(
    <MantineProvider env="test">
      <StatisticsBody data={data} />
    </MantineProvider>,
  );

const empty: StatsHistory = {
  days: 30,
  since: "2026-01-01T00:00:00.000Z",
  totals: { scans: 0, checked: 0, fixed: 0, failed: 0, wouldFix: 0 },
  successRate: null,
  meanDurationMs: null,
  meanChecked: null,
  scans: [],
  topProblems: [],
};

const scan = (id: number, fixed: number, failed: number, wouldFix: number) => ({
  id,
  status: "success",
  startedAt: `2026-01-0${id}T10:00:00.000Z`,
  finishedAt: `2026-01-0${id}T10:01:00.000Z`,
  checked: 100,
  fixed,
  failed,
  wouldFix,
  durationMs: 60_000,
});

beforeAll(() => {
  initI18n("en");
});
afterEach(cleanup);

describe("statistics page", () => {
  it("says so before any scan has finished", () => {
    wrap(empty);
    expect(screen.getByText(/No scan has finished in this period yet/)).toBeTruthy();
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("draws a bar per scan with a text alternative and a legend in words", () => {
    const { container } = wrap({
      ...empty,
      totals: { scans: 2, checked: 200, fixed: 4, failed: 1, wouldFix: 3 },
      successRate: 0.8,
      meanDurationMs: 60_000,
      meanChecked: 100,
      scans: [scan(1, 4, 1, 0), scan(2, 0, 0, 3)],
      topProblems: [{ library: "Movies", problems: [{ problem: "no_poster", count: 2 }] }],
    });
    expect(screen.getByRole("img", { name: /^Bar chart of 2 scans/ })).toBeTruthy();
    expect(container.querySelectorAll("g[data-scan]")).toHaveLength(2);
    const table = screen.getByRole("table", { name: "Fixed, failed and would-fix items per scan" });
    expect(table.querySelectorAll("tbody tr")).toHaveLength(2);
    expect(screen.getAllByText("Would fix (dry run)").length).toBeGreaterThan(0);
    expect(screen.getByText("80%")).toBeTruthy();
    expect(screen.getByText("no poster")).toBeTruthy();
  });
});
