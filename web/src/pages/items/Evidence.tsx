// The drawer's evidence: the item's files and folders as Plex has them, the IDs and the year
// their names give, and the IDs of the current match, so "the path says 2003" shows the path.
import { Code, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { ExternalIdRef, ItemEvidence } from "../../../../src/contracts/schemas";

const idText = (ids: readonly ExternalIdRef[]) => ids.map((id) => `${id.source}-${id.id}`).join(", ");

export function Evidence({ plex }: { plex: ItemEvidence | null }) {
  const { t } = useTranslation();
  if (!plex)
    return (
      <Text size="sm" c="dimmed">
        {t("itemActions.evidence.unavailable")}
      </Text>
    );
  const none = t("itemActions.evidence.none");
  return (
    <Stack gap={6}>
      {/* A show has folders and no file of its own. */}
      {(plex.files.length > 0 || plex.folders.length === 0) && (
        <Paths label={t("itemActions.evidence.files", { count: plex.files.length })} paths={plex.files} />
      )}
      <Paths label={t("itemActions.evidence.folders", { count: plex.folders.length })} paths={plex.folders} />
      <Fact label={t("itemActions.evidence.pathIds")}>
        {plex.pathIds.length > 0 ? idText(plex.pathIds) : none}
      </Fact>
      <Fact label={t("itemActions.evidence.pathYear")}>{plex.pathYear ?? none}</Fact>
      <Fact label={t("itemActions.evidence.matchedIds")}>
        {plex.matchedIds.length > 0 ? idText(plex.matchedIds) : none}
      </Fact>
    </Stack>
  );
}

function Paths({ label, paths }: { label: string; paths: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="sm" c="dimmed">
        {label}:
      </Text>
      {paths.length === 0 ? (
        <Text size="sm">{t("itemActions.evidence.none")}</Text>
      ) : (
        paths.map((p) => (
          // Server paths are Plex text: shown as written, isolated, wrapped anywhere on a phone.
          <Code key={p} block style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
            <bdi>{p}</bdi>
          </Code>
        ))
      )}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" style={{ overflowWrap: "anywhere" }}>
      <Text span size="sm" c="dimmed">
        {label}:
      </Text>{" "}
      {children}
    </Text>
  );
}
