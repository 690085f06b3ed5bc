import { Text } from "@mantine/core";

/**
 * Plex text shown as written: `<bdi>` isolates it, so a right-to-left override (U+202E) inside a
 * title cannot reverse what follows it, such as the year ("(2024)" read as "(4202)").
 */
export function PlexText({ children }: { children: string }) {
  return <bdi>{children}</bdi>;
}

/** "Title (Year)", the one way a Plex title and its year are shown; the year dimmed when asked. */
export function TitleYear({
  title,
  year,
  dimYear,
}: {
  title: string;
  year: number | null;
  dimYear?: boolean;
}) {
  if (year === null) return <PlexText>{title}</PlexText>;
  return (
    <>
      <PlexText>{title}</PlexText>{" "}
      {dimYear ? (
        <Text span c="dimmed" size="sm" fw={400}>
          ({year})
        </Text>
      ) : (
        `(${year})`
      )}
    </>
  );
}
