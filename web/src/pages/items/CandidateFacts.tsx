// What a candidate card says besides its title and year: the IDs Plex knows for it, and that
// it is the item's match now. Shared by the drawer and the match picker.
import { Badge, Group } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { ExternalIdRef } from "../../../../src/contracts/schemas";

/** "imdb tt0133093", one badge per ID; nothing when Plex named none (plex:// candidates). */
export function CandidateIds({ ids }: { ids: readonly ExternalIdRef[] }) {
  const { t } = useTranslation();
  if (ids.length === 0) return null;
  return (
    <Group gap={4} aria-label={t("itemActions.evidence.candidateIds")} role="list">
      {ids.map((id) => (
        <Badge
          key={`${id.source}:${id.id}`}
          variant="outline"
          color="gray"
          size="sm"
          tt="none"
          role="listitem"
        >
          {id.source} {id.id}
        </Badge>
      ))}
    </Group>
  );
}

export function CurrentBadge() {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color="green" tt="none" leftSection={<IconCheck size={12} aria-hidden />}>
      {t("itemActions.picker.current")}
    </Badge>
  );
}
