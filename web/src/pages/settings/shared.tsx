// Building blocks of the settings page: a section card that saves on its own, the guard
// against leaving with unsaved changes, and field errors from the server's 400s.
import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle, IconCheck } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SettingsResponse } from "../../../../src/contracts/schemas";
import { ApiError, errorMessage } from "../../api/errors";
import { issueText } from "../../api/validation";
import type { useSaveSettings } from "./api";

/** Sections report whether they have unsaved changes; the page guards leaving while any has. */
export const DirtyContext = createContext<(id: string, dirty: boolean) => void>(() => {});

export function useReportDirty(id: string, dirty: boolean): void {
  const report = useContext(DirtyContext);
  useEffect(() => {
    report(id, dirty);
    return () => report(id, false);
  }, [id, dirty, report]);
}

/**
 * Warns before the page is left with unsaved changes: a reload or closed tab gets the browser's
 * own prompt; a click on a link inside the app asks first. (The app uses a declarative router,
 * which has no navigation blocker, so links are intercepted before the router sees them.)
 */
export function useUnsavedGuard(): (id: string, dirty: boolean) => void {
  const { t } = useTranslation();
  const dirty = useRef(new Set<string>());
  const [count, setCount] = useState(0);
  const report = useCallback((id: string, isDirty: boolean) => {
    const had = dirty.current.has(id);
    if (isDirty === had) return;
    if (isDirty) dirty.current.add(id);
    else dirty.current.delete(id);
    setCount(dirty.current.size);
  }, []);
  useEffect(() => {
    if (count === 0) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    const click = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (!(link instanceof HTMLAnchorElement) || link.target === "_blank") return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin || to.pathname === window.location.pathname) return;
      if (!window.confirm(t("settings.unsaved.confirmLeave"))) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    document.addEventListener("click", click, true);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      document.removeEventListener("click", click, true);
    };
  }, [count, t]);
  return report;
}

/**
 * The problem of one field of a 400 (an issue naming it, or the body's `field`), in the reader's
 * language: the issue's code through the one map, never the server's English.
 */
export function fieldError(t: TFunction, error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const issue = error.body.issues?.find((i) => i.field === field);
  if (issue) return issueText(t, issue);
  return error.body.field === field ? errorMessage(t, error) : undefined;
}

export interface SectionProps {
  id: string;
  title: string;
  description?: string;
  /** Shown next to the title, e.g. "set by the environment". */
  badge?: ReactNode;
  children: ReactNode;
  /** Omit for read-only sections. */
  save?: {
    dirty: boolean;
    saving: boolean;
    saved: boolean;
    error: unknown;
    onSave: () => void;
    onReset: () => void;
  };
}

export function SettingsSection({ id, title, description, badge, children, save }: SectionProps) {
  const { t } = useTranslation();
  useReportDirty(id, save?.dirty ?? false);
  const headingId = `settings-${id}-title`;
  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-labelledby={headingId}
      id={`settings-${id}`}
      // The sticky header would cover a section scrolled to by its link.
      style={{ scrollMarginTop: "calc(var(--app-shell-header-height, 56px) + 12px)" }}
    >
      <Stack gap="md">
        <div>
          <Group gap="sm" wrap="wrap">
            <Title order={2} fz="h4" id={headingId}>
              {title}
            </Title>
            {badge}
            {save?.dirty && (
              <Badge color="orange" variant="light">
                {t("settings.unsaved.badge")}
              </Badge>
            )}
          </Group>
          {description && (
            <Text size="sm" c="dimmed" mt={4}>
              {description}
            </Text>
          )}
        </div>
        {children}
        {save && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              save.onSave();
            }}
          >
            {save.error !== null && save.error !== undefined && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} mb="sm" role="alert">
                {errorMessage(t, save.error)}
              </Alert>
            )}
            <Group justify="flex-end" gap="sm">
              {save.saved && !save.dirty && (
                <Text size="sm" c="teal" role="status">
                  <IconCheck size={14} style={{ verticalAlign: "middle" }} /> {t("settings.saved")}
                </Text>
              )}
              <Button variant="default" onClick={save.onReset} disabled={!save.dirty || save.saving}>
                {t("settings.reset")}
              </Button>
              <Button type="submit" loading={save.saving} disabled={!save.dirty}>
                {t("settings.save", { section: title })}
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The form state of one section: a draft of `initial`, dirty when it differs, saved through
 * `persist`. The draft follows the server's value again after a save or a reset.
 */
export function useDraft<T>(initial: T) {
  const [draft, setDraft] = useState<T>(initial);
  const [base, setBase] = useState<T>(initial);
  const initialJson = JSON.stringify(initial);
  // A new value from the server (a save here, or another tab) replaces the base; an untouched
  // draft follows it.
  useEffect(() => {
    const next = JSON.parse(initialJson) as T;
    setBase((old) => {
      setDraft((d) => (JSON.stringify(d) === JSON.stringify(old) ? next : d));
      return next;
    });
  }, [initialJson]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(base);
  const update = (patch: Partial<T>) => setDraft((d) => ({ ...d, ...patch }));
  // After a save, the server's answer is the new state (secrets masked again, values normalised).
  const adopt = (value: T) => {
    setBase(value);
    setDraft(value);
  };
  return { draft, setDraft, update, dirty, reset: () => setDraft(base), adopt };
}

type Draft<T> = ReturnType<typeof useDraft<T>>;

/**
 * The save controls every editable section has: save the draft as `patch()`, take the server's
 * answer as the new state (`fromSaved` reads this section's part of it), discard restores it.
 */
export function sectionSave<T>(
  form: Draft<T>,
  save: ReturnType<typeof useSaveSettings>,
  patch: () => Record<string, unknown>,
  fromSaved: (settings: SettingsResponse["settings"]) => T,
): NonNullable<SectionProps["save"]> {
  return {
    dirty: form.dirty,
    saving: save.isPending,
    saved: save.isSuccess,
    error: save.error,
    onSave: () => save.mutate(patch(), { onSuccess: (data) => form.adopt(fromSaved(data.settings)) }),
    onReset: () => {
      form.reset();
      save.reset();
    },
  };
}
