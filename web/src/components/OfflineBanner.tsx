import { Group, Loader, Paper, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useReachable } from "../events/hooks";

/**
 * A banner while the server cannot be reached. The live region stays in the page so a screen
 * reader hears the banner appear; it goes away by itself once the server answers.
 */
export function OfflineBanner() {
  const { t } = useTranslation();
  const reachable = useReachable();
  return (
    <div role="status" aria-live="polite">
      {!reachable && (
        <Paper
          withBorder
          p="sm"
          mb="md"
          bg="var(--mantine-color-red-light)"
          style={{ borderColor: "var(--mantine-color-red-outline)" }}
        >
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <Loader size={18} color="red" mt={2} aria-hidden />
            <div>
              <Text fw={700}>{t("offline.title")}</Text>
              <Text size="sm">{t("offline.text")}</Text>
            </div>
          </Group>
        </Paper>
      )}
    </div>
  );
}
