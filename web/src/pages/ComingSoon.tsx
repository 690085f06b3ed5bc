import { Paper, Text, ThemeIcon } from "@mantine/core";
import { IconHourglass } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "../components/PageTitle";

export function ComingSoon({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Paper withBorder p="lg" maw={560}>
        <ThemeIcon variant="light" size="lg" mb="sm" aria-hidden>
          <IconHourglass size={20} />
        </ThemeIcon>
        <Text fw={600}>{t("comingSoon.title")}</Text>
        <Text c="dimmed" size="sm">
          {t("comingSoon.text")}
        </Text>
      </Paper>
    </>
  );
}
