import { ActionIcon, Menu, Text } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language, setLanguage } from "../i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = (LANGUAGES as readonly string[]).includes(i18n.language)
    ? (i18n.language as Language)
    : "en";
  return (
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <ActionIcon
          variant="default"
          size="lg"
          aria-label={t("language.label", {
            current: t(`language.names.${current}`),
            code: t(`language.codes.${current}`),
          })}
        >
          <Text span fz="xs" fw={700}>
            {t(`language.codes.${current}`)}
          </Text>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((lang) => (
          <Menu.Item
            key={lang}
            lang={lang}
            onClick={() => setLanguage(lang)}
            rightSection={current === lang ? <IconCheck size={14} aria-hidden /> : null}
            aria-current={current === lang ? "true" : undefined}
          >
            {t(`language.names.${lang}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
