// A log view that stays fast at 50,000 lines: only the visible lines (plus a margin) are in the
// DOM. Lines have a fixed height; long lines scroll sideways inside the box, never the page.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { parseLogLine } from "../lib/log";

const LINE_HEIGHT = 20;
const OVERSCAN = 20;

export interface LogViewProps {
  lines: readonly string[];
  /** Keep the newest line in view as lines arrive. */
  follow: boolean;
  height: number | string;
  label: string;
  /** Called when the user scrolls away from the bottom (so the caller can pause following). */
  onUserScrollUp?: () => void;
}

export function visibleRange(scrollTop: number, viewport: number, count: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / LINE_HEIGHT) + OVERSCAN);
  return [first, Math.max(first, last)];
}

export function LogView({ lines, follow, height, label, onUserScrollUp }: LogViewProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const programmatic = useRef(false);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setViewport(el.clientHeight);
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el || !follow || lines.length === 0) return;
    programmatic.current = true;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [lines, follow]);

  const onScroll = useCallback(() => {
    const el = box.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 2;
    if (!atBottom) onUserScrollUp?.();
  }, [onUserScrollUp]);

  const [first, last] = visibleRange(scrollTop, viewport, lines.length);
  const rows = useMemo(() => {
    const out: { n: number; text: string }[] = [];
    for (let n = first; n < last; n++) out.push({ n, text: lines[n] ?? "" });
    return out;
  }, [first, last, lines]);

  return (
    <div
      ref={box}
      className="log-view"
      style={{ height }}
      onScroll={onScroll}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard
      tabIndex={0}
      role="log"
      aria-label={label}
      aria-live="off"
    >
      {lines.length === 0 ? (
        <div className="log-line log-time">{t("log.empty")}</div>
      ) : (
        <div style={{ height: lines.length * LINE_HEIGHT, position: "relative", minWidth: "max-content" }}>
          <div style={{ transform: `translateY(${first * LINE_HEIGHT}px)` }}>
            {rows.map(({ n, text }) => {
              const line = parseLogLine(text);
              return (
                <div key={n} className="log-line">
                  {line.time && <span className="log-time">{line.time.slice(11, 19)} </span>}
                  {line.level !== "other" && (
                    <span className={`log-level log-level-${line.level}`}>
                      {t(`log.level.${line.level}`)}
                    </span>
                  )}
                  {line.message}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
