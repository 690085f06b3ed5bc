// Migration: the way to the import of the Python version's settings and history.
import { Button, Group } from "@mantine/core";
import { IconFileImport } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { SettingsSection } from "./shared";

export function MigrationSection() {
  const { t } = useTranslation();
  return (
    <SettingsSection
      id="migration"
      title={t("settings.migration.title")}
      description={t("settings.migration.description")}
    >
      <Group>
        <Button
          component={Link}
          to="/settings/import"
          variant="light"
          leftSection={<IconFileImport size={18} />}
          // The product's full name does not fit one line on a phone: the label wraps.
          h="auto"
          py={8}
          styles={{ label: { whiteSpace: "normal", textAlign: "left" } }}
        >
          {t("settings.migration.open")}
        </Button>
      </Group>
    </SettingsSection>
  );
}
