import { Text, type TextProps, Tooltip } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatRelative } from "../lib/format";

/** "in 3 hours" with the absolute time in a tooltip (on hover and keyboard focus). */
export function RelativeTime({ value, ...props }: { value: string | number | Date } & TextProps) {
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
      <Text span tabIndex={0} {...props}>
        <time dateTime={date.toISOString()} title={absolute}>
          {formatRelative(date, now, i18n.language)}
        </time>
      </Text>
    </Tooltip>
  );
}
