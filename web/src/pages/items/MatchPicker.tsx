// "Find a match": Plex's candidates as poster cards, an editable search for when the file name
// misleads Plex (a title, or a pasted ID or IMDb/TMDB/TVDB link, which finds that one work), and
// a confirmation that names the current and the new match before applying.
import {
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconArrowRight, IconSearch } from "@tabler/icons-react";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { parsePastedId } from "../../../../src/contracts/pasted-id";
import type { MatchCandidate, MatchesResponse } from "../../../../src/contracts/schemas";
import { type ActionResult, useApplyMatch, useMatchSearch } from "../../api/itemActions";
import { ErrorState } from "../../components/ErrorState";
import { TitleYear } from "../../components/TitleYear";
import { formatNumber } from "../../lib/format";
import { fieldError } from "../settings/shared";
import { CandidateIds, CurrentBadge } from "./CandidateFacts";
import { PosterImage } from "./PosterImage";
import { candidatePosterSrc } from "./posterSrc";
import { useElapsedSeconds } from "./useElapsed";

interface Query {
  title?: string;
  year?: number;
}

const YEAR = /^\d{4}$/;

/** The item's match now, as the confirmation names it. */
export interface CurrentMatch {
  title: string;
  year: number | null;
  guid: string | null;
}

export function MatchPicker({
  ratingKey,
  title,
  opened,
  onClose,
  onApplied,
  firstYear,
  choice,
  current,
}: {
  ratingKey: string;
  title: string;
  opened: boolean;
  onClose: () => void;
  onApplied: (result: ActionResult) => void;
  /** The year of the first search (the year the item's path gives); else the item's own. */
  firstYear?: number | null;
  /** A candidate picked in the drawer: the picker opens on its confirmation. */
  choice?: MatchCandidate | null;
  /** The match now, for a confirmation opened before any search answered. */
  current?: CurrentMatch | null;
}) {
  const { t } = useTranslation();
  const phone = useMediaQuery("(max-width: 48em)");
  // The first search is the scan's own (the item's title, the path's or the item's year); then
  // whatever was typed.
  const first: Query = firstYear ? { year: firstYear } : {};
  const [query, setQuery] = useState<Query>(first);
  const [form, setForm] = useState<{ title: string; year: string } | null>(null);
  const [chosen, setChosen] = useState<MatchCandidate | null>(null);
  const search = useMatchSearch(ratingKey, query, opened);
  const apply = useApplyMatch(ratingKey);
  const applying = useElapsedSeconds(apply.isPending);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on opening and closing only; `first` is derived from props each render
  useEffect(() => {
    setChosen(opened ? (choice ?? null) : null);
    if (opened) return;
    setQuery(first);
    setForm(null);
    apply.reset();
  }, [opened, apply.reset]);

  // The search fields start with what Plex was asked for.
  const asked = search.data?.query;
  useEffect(() => {
    if (asked && form === null)
      setForm({ title: asked.title ?? "", year: asked.year ? String(asked.year) : "" });
  }, [asked, form]);

  // A pasted ID or link names one work: the server looks it up and the year plays no part.
  const byId = form !== null && parsePastedId(form.title).kind !== "title";
  const yearText = byId ? "" : (form?.year.trim() ?? "");
  const yearInvalid = yearText !== "" && !YEAR.test(yearText);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form || yearInvalid) return;
    setChosen(null);
    setQuery({ title: form.title.trim() || undefined, year: yearText ? Number(yearText) : undefined });
  };
  // A paste the server cannot search (a link naming no work, an ID of the wrong kind) is the
  // title field's problem; any other failure is the search's.
  const titleProblem = fieldError(t, search.error, "title");

  const close = () => {
    // Closing while Plex applies the match would hide its result; the button shows progress.
    if (!apply.isPending) onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t("itemActions.picker.title", { title })}
      size="xl"
      fullScreen={!!phone}
      closeButtonProps={{ "aria-label": t("itemActions.close") }}
    >
      {chosen && (search.data?.item ?? current) ? (
        <Confirm
          current={(search.data?.item ?? current) as CurrentMatch}
          chosen={chosen}
          pending={apply.isPending}
          seconds={applying}
          error={apply.error}
          onBack={() => {
            apply.reset();
            setChosen(null);
          }}
          onConfirm={() =>
            apply.mutate(
              { guid: chosen.guid, name: chosen.name, ...(chosen.year ? { year: chosen.year } : {}) },
              { onSuccess: (result) => onApplied(result) },
            )
          }
        />
      ) : (
        <Stack gap="md">
          <form onSubmit={submit} aria-label={t("itemActions.picker.search")}>
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t("itemActions.picker.hint")}
              </Text>
              <Group align="flex-end" gap="xs" wrap={phone ? "wrap" : "nowrap"}>
                <TextInput
                  label={t("itemActions.picker.searchTitle")}
                  value={form?.title ?? ""}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setForm((f) => ({ title: value, year: f?.year ?? "" }));
                  }}
                  maxLength={300}
                  style={{ flex: 1, minWidth: 0 }}
                  miw={phone ? "100%" : undefined}
                  error={titleProblem}
                />
                <TextInput
                  label={t("itemActions.picker.searchYear")}
                  value={form?.year ?? ""}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setForm((f) => ({ title: f?.title ?? "", year: value }));
                  }}
                  inputMode="numeric"
                  maxLength={4}
                  w={96}
                  error={yearInvalid || undefined}
                  disabled={byId}
                  aria-describedby={byId ? "match-year-ignored" : undefined}
                />
                <Button
                  type="submit"
                  leftSection={<IconSearch size={16} aria-hidden />}
                  loading={search.isFetching}
                  disabled={yearInvalid}
                >
                  {t("itemActions.picker.search")}
                </Button>
              </Group>
              {byId && (
                <Text size="xs" c="dimmed" id="match-year-ignored">
                  {t("itemActions.picker.yearIgnored")}
                </Text>
              )}
            </Stack>
          </form>
          {search.isError && !titleProblem && (
            <ErrorState error={search.error} onRetry={() => void search.refetch()} />
          )}
          {search.isPending && (
            <Center py="xl">
              <Loader role="status" aria-label={t("itemActions.picker.searching")} />
            </Center>
          )}
          {search.data && (
            <Candidates
              ratingKey={ratingKey}
              found={search.data}
              busy={search.isFetching}
              onChoose={setChosen}
            />
          )}
        </Stack>
      )}
    </Modal>
  );
}

function Candidates({
  ratingKey,
  found,
  busy,
  onChoose,
}: {
  ratingKey: string;
  found: MatchesResponse;
  busy: boolean;
  onChoose: (c: MatchCandidate) => void;
}) {
  const { t, i18n } = useTranslation();
  if (found.candidates.length === 0)
    return (
      <Alert variant="light" color="gray" role="status">
        {t("itemActions.picker.none")}
      </Alert>
    );
  return (
    <Stack gap="xs" aria-busy={busy}>
      <Text size="sm" c="dimmed" aria-live="polite">
        {t("itemActions.picker.results", { count: found.candidates.length })}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {found.candidates.map((c) => (
          <Card key={`${found.searchId}:${c.guid}`} withBorder padding="sm">
            <Group align="flex-start" wrap="nowrap" gap="sm">
              <PosterImage
                src={candidatePosterSrc(ratingKey, c.guid, { width: 140, search: found.searchId })}
                alt={t("itemActions.picker.posterOf", { name: c.name })}
                missingLabel={t("itemActions.noPoster")}
                width={70}
                height={105}
              />
              <Stack gap={4} miw={0} style={{ flex: 1 }}>
                <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }}>
                  <TitleYear title={c.name} year={c.year} dimYear />
                </Text>
                <Badge
                  variant="light"
                  color={c.score === null ? "gray" : "blue"}
                  style={{ textTransform: "none" }}
                >
                  {c.score === null
                    ? t("itemActions.picker.noScore")
                    : t("itemActions.picker.score", { score: formatNumber(c.score, i18n.language) })}
                </Badge>
                {c.foundBy && (
                  <Badge variant="light" color="teal" tt="none" style={{ alignSelf: "flex-start" }}>
                    {t("itemActions.picker.foundBy", { id: c.foundBy })}
                  </Badge>
                )}
                <CandidateIds ids={c.ids} />
                <Text size="xs" c="dimmed" lineClamp={3}>
                  {c.summary ?? t("itemActions.picker.noSummary")}
                </Text>
                {c.current ? (
                  <CurrentBadge />
                ) : (
                  <Button
                    size="xs"
                    variant="light"
                    mt={4}
                    style={{ alignSelf: "flex-start" }}
                    onClick={() => onChoose(c)}
                    aria-label={t("itemActions.picker.chooseNamed", { name: c.name })}
                  >
                    {t("itemActions.picker.choose")}
                  </Button>
                )}
              </Stack>
            </Group>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

function Confirm({
  current,
  chosen,
  pending,
  seconds,
  error,
  onBack,
  onConfirm,
}: {
  current: CurrentMatch;
  chosen: MatchCandidate;
  pending: boolean;
  seconds: number;
  error: unknown;
  onBack: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  const unmatched = !current.guid || current.guid.startsWith("local://");
  return (
    <Stack gap="md">
      <Text fw={600}>{t("itemActions.picker.confirmTitle")}</Text>
      <Group align="stretch" gap="sm" wrap="wrap">
        <Card withBorder padding="sm" style={{ flex: "1 1 14rem", minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {t("itemActions.picker.current")}
          </Text>
          <Text fw={600} style={{ overflowWrap: "anywhere" }}>
            <TitleYear title={current.title} year={current.year} />
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {unmatched ? t("itemActions.picker.unmatched") : current.guid}
          </Text>
        </Card>
        <Center>
          <IconArrowRight aria-hidden />
        </Center>
        <Card withBorder padding="sm" style={{ flex: "1 1 14rem", minWidth: 0 }}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {t("itemActions.picker.new")}
          </Text>
          <Text fw={600} style={{ overflowWrap: "anywhere" }}>
            <TitleYear title={chosen.name} year={chosen.year} />
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {chosen.guid}
          </Text>
        </Card>
      </Group>
      <Text size="sm">{t("itemActions.picker.confirmText")}</Text>
      {pending && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text size="sm">{t("itemActions.picker.applying", { seconds })}</Text>
        </Group>
      )}
      {error !== null && <ErrorState error={error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack} disabled={pending}>
          {t("common.back")}
        </Button>
        <Button onClick={onConfirm} loading={pending} data-autofocus>
          {t("itemActions.picker.apply")}
        </Button>
      </Group>
    </Stack>
  );
}
