import { Button, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PageTitle } from "../components/PageTitle";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack>
      <PageTitle>{t("notFound.title")}</PageTitle>
      <Text>{t("notFound.text")}</Text>
      <Button component={Link} to="/" variant="default" w="fit-content">
        {t("notFound.home")}
      </Button>
    </Stack>
  );
}
