import { localStorageColorSchemeManager, MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes } from "react-router";
import { setCsrfToken, setUnauthorizedHandler } from "./api/client";
import { ApiError } from "./api/errors";
import { keys } from "./api/queries";
import { RequireAuth } from "./auth/RequireAuth";
import { AppLayout } from "./components/AppLayout";
import { ApplySummary } from "./components/ApplySummary";
import { PageErrorBoundary } from "./components/PageErrorBoundary";
import { LiveProvider } from "./events/LiveProvider";
import { Dashboard } from "./pages/Dashboard";
import { BulkSummary } from "./pages/items/BulkSummary";
import { LoginPage } from "./pages/Login";
import { ItemsPage, JobDetailPage, JobsPage, SettingsPage, StatisticsPage } from "./pages/lazy";
import { NotFound } from "./pages/NotFound";
import { AppearanceDefaults } from "./pages/settings/AppearanceDefaults";
import { SetupGate } from "./pages/setup/SetupGate";
import { cssVariablesResolver, themeFor } from "./theme";

const SetupPage = lazy(() => import("./pages/Setup"));
const ImportPage = lazy(() => import("./pages/import/ImportPage"));

export const COLOR_SCHEME_KEY = "psr-color-scheme";
const colorSchemeManager = localStorageColorSchemeManager({ key: COLOR_SCHEME_KEY });

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache(),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
  // Any 401: forget the session; <RequireAuth> then sends the user to the login page and back.
  setUnauthorizedHandler(() => {
    setCsrfToken(null);
    if (client.getQueryData(keys.me)) sessionStorage.setItem("psr-session-expired", "1");
    client.setQueryData(keys.me, null);
  });
  return client;
}

export function App() {
  const [client] = useState(makeQueryClient);
  const { t, i18n } = useTranslation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the label follows the language
  const theme = useMemo(() => themeFor(t("common.close")), [i18n.language]);
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="auto"
    >
      {/* Bottom right: at the top they would cover the header's live indicator and buttons. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={client}>
        {/* The last net under the pages' own boundary: the login, the setup, the layout itself. */}
        <PageErrorBoundary>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                path="/setup"
                element={
                  <RequireAuth>
                    <Suspense fallback={null}>
                      <SetupPage />
                    </Suspense>
                  </RequireAuth>
                }
              />
              <Route
                element={
                  <RequireAuth>
                    <AppearanceDefaults colorSchemeKey={COLOR_SCHEME_KEY} />
                    {/* The first-run setup comes before the dashboard while Plex is not connected. */}
                    <SetupGate>
                      <LiveProvider>
                        <AppLayout />
                        <BulkSummary />
                        <ApplySummary />
                      </LiveProvider>
                    </SetupGate>
                  </RequireAuth>
                }
              >
                <Route index element={<Dashboard />} />
                <Route path="jobs" element={<JobsPage />} />
                <Route path="jobs/:id" element={<JobDetailPage />} />
                <Route path="items" element={<ItemsPage />} />
                <Route path="statistics" element={<StatisticsPage />} />
                <Route path="settings" element={<SettingsPage />} />
                <Route path="settings/import" element={<ImportPage />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </PageErrorBoundary>
      </QueryClientProvider>
    </MantineProvider>
  );
}
