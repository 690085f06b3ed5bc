import { Text, type TextProps, Tooltip } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatRelative } from "../lib/format";

/** "in 3 hours" with the absolute time in a tooltip (on hover, and on keyboard focus when focusable). */
export function RelativeTime({
  value,
  focusable = false,
  ...props
}: { value: string | number | Date; focusable?: boolean } & TextProps) {
  const { i18n } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const date = new Date(value);
  const absolute = formatDateTime(date, i18n.language);
  return (
    <Tooltip label={absolute} events={{ hover: true, focus: true, touch: true }}>
      <Text span tabIndex={focusable ? 0 : undefined} {...props}>
        <time dateTime={date.toISOString()} title={absolute}>
          {formatRelative(date, now, i18n.language)}
        </time>
      </Text>
    </Tooltip>
  );
}
