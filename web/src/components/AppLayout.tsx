import { AppShell, Burger, Center, Group, Loader, NavLink, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import {
  IconChartBar,
  IconLayoutDashboard,
  IconListDetails,
  IconMovie,
  IconRefreshDot,
  IconSettings,
} from "@tabler/icons-react";
import { type ComponentType, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";
import { loadItems, loadJobs, loadSettings, loadStatistics, preload } from "../pages/lazy";
import { LanguageSwitch } from "./LanguageSwitch";
import { LiveIndicator } from "./LiveIndicator";
import { LogoutButton } from "./LogoutButton";
import { OfflineBanner } from "./OfflineBanner";
import { PageErrorBoundary } from "./PageErrorBoundary";
import { ThemeSwitch } from "./ThemeSwitch";

interface NavEntry {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; stroke?: number }>;
  preload?: () => Promise<unknown>;
}

import { PRODUCT_NAME } from "../product";

export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const entries: NavEntry[] = [
    { to: "/", label: t("nav.dashboard"), icon: IconLayoutDashboard },
    { to: "/jobs", label: t("nav.jobs"), icon: IconListDetails, preload: loadJobs },
    { to: "/items", label: t("nav.items"), icon: IconMovie, preload: loadItems },
    { to: "/statistics", label: t("nav.statistics"), icon: IconChartBar, preload: loadStatistics },
    { to: "/settings", label: t("nav.settings"), icon: IconSettings, preload: loadSettings },
  ];
  const isActive = (to: string) =>
    to === "/"
      ? location.pathname === "/"
      : location.pathname === to || location.pathname.startsWith(`${to}/`);

  const phone = useMediaQuery("(max-width: 48em)") ?? false;

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding={{ base: "sm", sm: "md" }}
    >
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: "xs", sm: "md" }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" miw={0}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t("nav.closeMenu") : t("nav.openMenu")}
            />
            <UnstyledButton component={Link} to="/">
              <Group gap={6} wrap="nowrap">
                <IconRefreshDot size={24} color="var(--mantine-color-amber-5)" aria-hidden />
                <Text fw={700} className="brand-name nowrap">
                  {PRODUCT_NAME}
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Group gap={6} wrap="nowrap">
            <LiveIndicator />
            <ThemeSwitch />
            <LanguageSwitch />
            <LogoutButton />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        aria-label={t("nav.label")}
        component="nav"
        // Folded away on a phone, its links must not be reachable by Tab either.
        inert={phone && !opened}
      >
        {entries.map((entry) => {
          const Icon = entry.icon;
          return (
            <NavLink
              key={entry.to}
              component={Link}
              to={entry.to}
              label={entry.label}
              leftSection={<Icon size={18} stroke={1.6} />}
              active={isActive(entry.to)}
              aria-current={isActive(entry.to) ? "page" : undefined}
              onClick={close}
              onMouseEnter={entry.preload && (() => preload(entry.preload!))}
              onFocus={entry.preload && (() => preload(entry.preload!))}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <OfflineBanner />
        <PageErrorBoundary resetKey={location.pathname}>
          <Suspense
            fallback={
              <Center py="xl">
                <Loader role="status" aria-label={t("common.loading")} />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </PageErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
