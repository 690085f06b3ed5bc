// The bulk confirmation's list of what each item will get (POST /api/bulk/preview): the
// candidate a match takes, or why the item is left alone. Nothing runs until it is confirmed.
import { Alert, Group, Loader, ScrollArea, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { BulkPreview as Preview } from "../../../../src/contracts/bulk";
import type { BulkAction } from "../../../../src/contracts/bulk-constants";
import { api } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { useReasonText } from "../../components/useReasonText";
import { formatNumber } from "../../lib/format";
import type { BulkSelection } from "./BulkBar";

/** Rows shown; a selection of up to 1,000 items is summed up after these. */
const LISTED = 100;

export function useBulkPreview(action: BulkAction | null, selection: () => BulkSelection) {
  const body = action ? { action, ...selection() } : null;
  return useQuery({
    queryKey: ["bulk-preview", body],
    queryFn: ({ signal }) => api<Preview>("/api/bulk/preview", { method: "POST", body, signal }),
    enabled: body !== null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

export function BulkPreviewList({ query }: { query: ReturnType<typeof useBulkPreview> }) {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const lang = i18n.language;
  if (query.isPending)
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm">{t("bulk.preview.loading")}</Text>
      </Group>
    );
  if (query.isError)
    return (
      <Alert color="red" variant="light" role="alert">
        {errorMessage(t, query.error)}
      </Alert>
    );
  const p = query.data;
  const rest = p.items.length - LISTED;
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600} id="bulk-preview-title">
          {t("bulk.preview.title")}
        </Text>
        <Text size="xs" c="dimmed">
          {t("bulk.preview.summary", {
            acting: formatNumber(p.acting, lang),
            skipped: formatNumber(p.skipped, lang),
          })}
        </Text>
      </Group>
      {p.acting === 0 && (
        <Alert color="yellow" variant="light">
          {t("bulk.preview.none")}
        </Alert>
      )}
      {/* Focusable, so the list scrolls by keyboard too. */}
      <ScrollArea.Autosize
        mah={260}
        type="auto"
        offsetScrollbars
        viewportProps={{ tabIndex: 0, "aria-labelledby": "bulk-preview-title" }}
      >
        <Table aria-labelledby="bulk-preview-title" verticalSpacing={4} fz="sm" data-testid="bulk-preview">
          <Table.Tbody>
            {p.items.slice(0, LISTED).map((row) => (
              <Table.Tr key={row.ratingKey} data-step={row.step}>
                <Table.Td style={{ overflowWrap: "anywhere" }}>{row.title}</Table.Td>
                <Table.Td style={{ overflowWrap: "anywhere" }}>
                  {row.target ? (
                    <Text span size="sm" fw={600}>
                      → {row.target.year ? `${row.target.name} (${row.target.year})` : row.target.name}
                    </Text>
                  ) : row.reason ? (
                    <Text span size="sm" c="dimmed">
                      {reasonText({ reason: row.reason })}
                    </Text>
                  ) : (
                    t(`bulk.action.${row.step}`, { defaultValue: row.step })
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      {rest > 0 && (
        <Text size="xs" c="dimmed">
          {t("bulk.preview.more", { count: rest })}
        </Text>
      )}
    </Stack>
  );
}
