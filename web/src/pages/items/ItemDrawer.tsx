// The item detail drawer: poster, problems and note, the actions (refresh now, find a match,
// undo the app's last match, ignore), the candidates the scan stored, the last scan, the attempt history, a link into Plex.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Divider,
  Drawer,
  Group,
  Loader,
  Stack,
  Text,
  Timeline,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconAlertTriangle,
  IconArrowBackUp,
  IconCheck,
  IconDeviceTv,
  IconExternalLink,
  IconEye,
  IconEyeOff,
  IconHistory,
  IconLock,
  IconRefresh,
  IconSearch,
} from "@tabler/icons-react";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ItemState } from "../../../../src/contracts/constants";
import type { ItemDetail, MatchCandidate } from "../../../../src/contracts/schemas";
import { errorMessage } from "../../api/errors";
import {
  type ActionResult,
  useItemDetail,
  useRefreshItem,
  useSetIgnored,
  useUndoMatch,
} from "../../api/itemActions";
import { ItemStateBadge, ScanStatusBadge } from "../../components/badges";
import { ConfirmModal } from "../../components/ConfirmModal";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { PlexText, TitleYear } from "../../components/TitleYear";
import { useReasonText } from "../../components/useReasonText";
import { formatNumber } from "../../lib/format";
import { CandidateIds, CurrentBadge } from "./CandidateFacts";
import { Evidence } from "./Evidence";
import { IgnoreReasonField } from "./IgnoreReasonField";
import { MatchPicker } from "./MatchPicker";
import { PosterImage } from "./PosterImage";
import { candidatePosterSrc, itemPosterSrc } from "./posterSrc";
import { primaryAction } from "./primaryAction";
import { useElapsedSeconds } from "./useElapsed";

export function ItemDrawer({ ratingKey, onClose }: { ratingKey: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = useMediaQuery("(max-width: 48em)");
  const detail = useItemDetail(ratingKey);
  const data = ratingKey !== null && detail.data?.item.ratingKey === ratingKey ? detail.data : undefined;
  // Escape in a dialog opened from the drawer closes that dialog only, not the drawer as well.
  const [dialogOpen, setDialogOpen] = useState(false);
  return (
    <Drawer
      opened={ratingKey !== null}
      onClose={onClose}
      closeOnEscape={!dialogOpen}
      position="right"
      size={phone ? "100%" : "lg"}
      title={
        <Title order={2} fz="h4" style={{ overflowWrap: "anywhere" }}>
          {data ? <PlexText>{data.item.title}</PlexText> : t("itemActions.drawerTitle")}
        </Title>
      }
      closeButtonProps={{ "aria-label": t("itemActions.close") }}
    >
      {detail.isError && (
        <ErrorState
          error={detail.error}
          title={t("itemActions.loadFailed")}
          onRetry={() => void detail.refetch()}
        />
      )}
      {!data && !detail.isError && (
        <Center py="xl">
          <Loader role="status" aria-label={t("common.loading")} />
        </Center>
      )}
      {data && <Details key={data.item.ratingKey} detail={data} onDialog={setDialogOpen} />}
    </Drawer>
  );
}

function Details({ detail, onDialog }: { detail: ItemDetail; onDialog: (open: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const reasonOf = useReasonText();
  const { item } = detail;
  const [pickerOpen, setPickerOpen] = useState(false);
  // A candidate picked in the drawer opens the picker on its confirmation.
  const [choice, setChoice] = useState<MatchCandidate | null>(null);
  const pick = (c: MatchCandidate | null) => {
    setChoice(c);
    setPickerOpen(true);
  };
  const [ignoreOpen, setIgnoreOpen] = useState(false);
  const [undoOpen, setUndoOpen] = useState(false);
  useEffect(() => {
    onDialog(pickerOpen || ignoreOpen || undoOpen);
    return () => onDialog(false);
  }, [pickerOpen, ignoreOpen, undoOpen, onDialog]);
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<{ kind: ResultKind; result: ActionResult } | null>(null);
  const refresh = useRefreshItem(item.ratingKey);
  const ignore = useSetIgnored(item.ratingKey);
  const undo = useUndoMatch(item.ratingKey);
  const refreshing = useElapsedSeconds(refresh.isPending);
  const undoing = useElapsedSeconds(undo.isPending);
  const busy = refresh.isPending || ignore.isPending || undo.isPending;
  const ignored = item.state === "ignored";
  const previous = detail.previousMatch ?? null;
  const wrongMatch = item.problems.includes("wrong_match");
  const primary = primaryAction(detail);
  const current = detail.candidates.find((c) => c.current);

  const showResult = (kind: ResultKind, r: ActionResult) => {
    setResult({ kind, result: r });
    notifications.show({
      color: r.state === "fixed" ? "green" : r.state === "failed" || r.state === "error" ? "red" : "blue",
      title: t(RESULT_TITLE[kind], { title: r.title }),
      message: t("itemActions.result.state", { state: t(`itemState.${r.state}`) }),
    });
  };
  const failed = (error: unknown) =>
    notifications.show({
      color: "red",
      title: t("itemActions.result.failedTitle"),
      message: errorMessage(t, error),
    });

  return (
    <Stack gap="md">
      <Group align="flex-start" wrap="nowrap" gap="md">
        <PosterImage
          src={itemPosterSrc(item.ratingKey, detail.plex)}
          alt={t("itemActions.posterOf", { title: item.title })}
          missingLabel={t("itemActions.noPoster")}
          width={120}
          height={180}
        />
        <Stack gap={6} miw={0}>
          <Group gap="xs">
            <ItemStateBadge state={item.state} />
            <Text size="sm" c="dimmed">
              {t("itemActions.attempts", { count: item.attempts })}
            </Text>
          </Group>
          <Field label={t("itemActions.library")}>{item.library ?? "–"}</Field>
          <Field label={t("itemActions.type")}>
            {t(`itemActions.itemType.${item.type}`, { defaultValue: item.type })}
          </Field>
          <Field label={t("itemActions.ratingKey")}>{item.ratingKey}</Field>
          <Field label={t("itemActions.lastChecked")}>
            <RelativeTime value={item.lastCheckedAt} size="sm" />
          </Field>
          {detail.plexLink && (
            <Anchor href={detail.plexLink} target="_blank" rel="noopener noreferrer" size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                {t("itemActions.openInPlex")}
                <IconExternalLink size={14} aria-hidden />
                <span className="visually-hidden">({t("itemActions.openInPlexHint")})</span>
              </Group>
            </Anchor>
          )}
        </Stack>
      </Group>

      {ignored && (
        <Alert variant="light" color="gray" icon={<IconEyeOff aria-hidden />}>
          <Text size="sm">{t("itemActions.ignoredNote")}</Text>
          {item.ignoredAt && (
            <Text size="sm" c="dimmed">
              {t("itemActions.ignoredSince")} <RelativeTime value={item.ignoredAt} size="sm" />
            </Text>
          )}
          {item.ignoreReason && (
            <Text size="sm" style={{ overflowWrap: "anywhere" }}>
              {t("itemActions.ignoredReason", { reason: item.ignoreReason })}
            </Text>
          )}
        </Alert>
      )}

      {wrongMatch && (item.reason || item.note) && (
        <Alert
          variant="light"
          color="amber"
          icon={<IconAlertTriangle aria-hidden />}
          title={t("itemActions.wrongMatch")}
        >
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {reasonOf(item)}
          </Text>
        </Alert>
      )}

      {primary.kind === "locked" && (
        <Alert
          variant="light"
          color="gray"
          icon={<IconLock aria-hidden />}
          title={t("itemActions.locked.title")}
        >
          <Text size="sm">
            {primary.fields.length > 0
              ? t("itemActions.locked.text", {
                  fields: primary.fields.map((f) => t(`problem.${f}`, { defaultValue: f })).join(", "),
                })
              : t("itemActions.locked.textPlain")}
          </Text>
        </Alert>
      )}

      <Group gap="xs" role="group" aria-label={t("itemActions.actions")}>
        {primary.kind === "use_candidate" && (
          <Button
            variant="filled"
            leftSection={<IconCheck size={16} aria-hidden />}
            disabled={busy}
            onClick={() => pick(primary.candidate)}
            // A long title wraps on a phone instead of being cut off.
            h="auto"
            mih={36}
            py={6}
            maw="100%"
            styles={{ label: { whiteSpace: "normal", textAlign: "start" } }}
          >
            {t("itemActions.useCandidate", {
              title: primary.candidate.year
                ? `${primary.candidate.name} (${primary.candidate.year})`
                : primary.candidate.name,
            })}
          </Button>
        )}
        {primary.kind === "go_to_show" && (
          <Button
            variant="filled"
            component={Link}
            to={`/items?q=${primary.showRatingKey}&item=${primary.showRatingKey}`}
            leftSection={<IconDeviceTv size={16} aria-hidden />}
          >
            {t("itemActions.goToShow")}
          </Button>
        )}
        {primary.kind === "locked" && detail.plexLink && (
          <Button
            variant="filled"
            component="a"
            href={detail.plexLink}
            target="_blank"
            rel="noopener noreferrer"
            leftSection={<IconExternalLink size={16} aria-hidden />}
          >
            {t("itemActions.openInPlex")}
            <span className="visually-hidden"> ({t("itemActions.openInPlexHint")})</span>
          </Button>
        )}
        {primary.kind === "find_match" && (
          <Button
            variant="filled"
            leftSection={<IconSearch size={16} aria-hidden />}
            disabled={busy}
            onClick={() => pick(null)}
          >
            {t("itemActions.findMatch")}
          </Button>
        )}
        {ignored && (
          <Button
            variant={primary.kind === "unignore" ? "filled" : "default"}
            leftSection={<IconEye size={16} aria-hidden />}
            loading={ignore.isPending}
            disabled={busy}
            onClick={() =>
              ignore.mutate(null, {
                onSuccess: () =>
                  notifications.show({ message: t("itemActions.result.unignored", { title: item.title }) }),
                onError: failed,
              })
            }
          >
            {t("itemActions.unignore")}
          </Button>
        )}
        <Button
          variant={primary.kind === "refresh" ? "filled" : "light"}
          leftSection={<IconRefresh size={16} aria-hidden />}
          loading={refresh.isPending}
          disabled={busy}
          onClick={() => {
            // The button is disabled while a refresh runs; the server also joins repeats.
            if (refresh.isPending) return;
            setResult(null);
            refresh.mutate(undefined, { onSuccess: (r) => showResult("refresh", r), onError: failed });
          }}
        >
          {t("itemActions.refresh")}
        </Button>
        {/* Plex matches movies and shows; a season or episode follows its show. */}
        {primary.kind !== "find_match" && item.type !== "episode" && item.type !== "season" && (
          <Button
            variant="light"
            leftSection={<IconSearch size={16} aria-hidden />}
            disabled={busy}
            onClick={() => pick(null)}
          >
            {t("itemActions.findMatch")}
          </Button>
        )}
        {previous && (
          <Button
            variant="light"
            leftSection={<IconArrowBackUp size={16} aria-hidden />}
            loading={undo.isPending}
            disabled={busy}
            onClick={() => setUndoOpen(true)}
          >
            {t("itemActions.undo.button")}
          </Button>
        )}
        {!ignored && (
          <Button
            variant="default"
            leftSection={<IconEyeOff size={16} aria-hidden />}
            disabled={busy}
            onClick={() => {
              setReason("");
              setIgnoreOpen(true);
            }}
          >
            {t("itemActions.ignore")}
          </Button>
        )}
      </Group>

      {refresh.isPending && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text size="sm">{t("itemActions.refreshing", { seconds: refreshing })}</Text>
        </Group>
      )}
      {undo.isPending && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text size="sm">{t("itemActions.undo.running", { seconds: undoing })}</Text>
        </Group>
      )}
      {result && (
        <Alert
          variant="light"
          color={result.result.state === "fixed" ? "green" : "gray"}
          role="status"
          title={t(RESULT_TITLE[result.kind], { title: result.result.title })}
        >
          <Group gap="xs">
            <ItemStateBadge state={result.result.state} />
            <Text size="sm" style={{ overflowWrap: "anywhere" }}>
              {reasonOf(result.result)}
            </Text>
          </Group>
        </Alert>
      )}

      <Section title={t("itemActions.problems")}>
        {item.problems.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("itemActions.noProblems")}
          </Text>
        ) : (
          <Group gap={6}>
            {item.problems.map((p) => (
              <Badge key={p} variant="outline" color="gray" style={{ textTransform: "none" }}>
                {t(`problem.${p}`, { defaultValue: p })}
              </Badge>
            ))}
          </Group>
        )}
        {(item.reason || item.note) && !wrongMatch && (
          <Text size="sm" mt="xs" style={{ overflowWrap: "anywhere" }}>
            <Text span fw={600} size="sm">
              {t("itemActions.note")}:
            </Text>{" "}
            {reasonOf(item)}
          </Text>
        )}
      </Section>

      <Section title={t("itemActions.evidence.title")}>
        <Evidence plex={detail.plex} />
      </Section>

      <Section title={t("itemActions.candidates")}>
        {detail.candidates.length > 0 ? (
          <Stack gap="xs">
            {detail.candidates.map((c) => (
              <Group key={c.guid} gap="sm" wrap="nowrap" align="flex-start">
                <PosterImage
                  src={c.hasPoster ? candidatePosterSrc(item.ratingKey, c.guid, { width: 80 }) : null}
                  alt={t("itemActions.picker.posterOf", { name: c.name })}
                  missingLabel={t("itemActions.noPoster")}
                  width={40}
                  height={60}
                />
                <Stack gap={2} miw={0} style={{ flex: 1 }}>
                  <Text size="sm" fw={600} style={{ overflowWrap: "anywhere" }}>
                    <TitleYear title={c.name} year={c.year} />
                  </Text>
                  <Text size="xs" c="dimmed">
                    {c.score === null
                      ? t("itemActions.picker.noScore")
                      : t("itemActions.picker.score", { score: formatNumber(c.score, i18n.language) })}
                  </Text>
                  <CandidateIds ids={c.ids} />
                </Stack>
                {c.current ? (
                  <CurrentBadge />
                ) : (
                  <Button
                    size="xs"
                    variant="light"
                    disabled={busy}
                    onClick={() => pick(c)}
                    aria-label={t("itemActions.picker.chooseNamed", { name: c.name })}
                  >
                    {t("itemActions.useShort")}
                  </Button>
                )}
              </Group>
            ))}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            {t("itemActions.noCandidates")}
          </Text>
        )}
      </Section>

      <Section title={t("itemActions.lastScan")}>
        {detail.lastScan ? (
          <Group gap="xs">
            <Anchor component={Link} to={`/jobs/${detail.lastScan.id}`} size="sm">
              {t("itemActions.lastScanLink", { id: detail.lastScan.id })}
            </Anchor>
            <ScanStatusBadge status={detail.lastScan.status} />
            {(detail.lastScan.finishedAt ?? detail.lastScan.startedAt) && (
              <RelativeTime
                value={(detail.lastScan.finishedAt ?? detail.lastScan.startedAt) as string}
                size="sm"
                c="dimmed"
              />
            )}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t("itemActions.noScan")}
          </Text>
        )}
      </Section>

      <Section title={t("itemActions.history")}>
        {detail.history.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("itemActions.noHistory")}
          </Text>
        ) : (
          <Timeline bulletSize={20} lineWidth={2} active={-1}>
            {detail.history.map((h, i) => (
              <Timeline.Item
                // biome-ignore lint/suspicious/noArrayIndexKey: history entries have no id of their own and never reorder
                key={`${h.at}:${i}`}
                bullet={<IconHistory size={12} aria-hidden />}
                title={
                  <Group gap="xs" component="span">
                    <Text span size="sm" fw={600}>
                      {t(`itemActions.historyAction.${h.action}`, { defaultValue: h.action })}
                    </Text>
                    <ItemStateBadge state={h.outcome as ItemState} size="sm" />
                  </Group>
                }
              >
                {(h.reason || h.note) && (
                  <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                    {reasonOf(h)}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  <RelativeTime value={h.at} size="xs" />
                  {h.source === "watch" && ` · ${t("itemActions.bySource.watch")}`}
                  {h.jobId !== null && (
                    <>
                      {" · "}
                      <Anchor component={Link} to={`/jobs/${h.jobId}`} size="xs">
                        {t("itemActions.lastScanLink", { id: h.jobId })}
                      </Anchor>
                    </>
                  )}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Section>

      <MatchPicker
        ratingKey={item.ratingKey}
        title={item.title}
        opened={pickerOpen}
        firstYear={detail.plex?.pathYear ?? null}
        choice={choice}
        current={{
          // The recorded title already carries the year ("Title (Year)").
          title: current?.name ?? item.title,
          year: current ? current.year : null,
          guid: detail.plex?.guid ?? null,
        }}
        onClose={() => setPickerOpen(false)}
        onApplied={(r) => {
          setPickerOpen(false);
          showResult("match", r);
        }}
      />
      {previous && (
        <ConfirmModal
          opened={undoOpen}
          title={t("itemActions.undo.title", { title: item.title })}
          confirmLabel={t("itemActions.undo.confirm")}
          loading={undo.isPending}
          onClose={() => setUndoOpen(false)}
          onConfirm={() =>
            undo.mutate(undefined, {
              onSuccess: (r) => {
                setUndoOpen(false);
                showResult("undo", r);
              },
              onError: (error) => {
                setUndoOpen(false);
                failed(error);
              },
            })
          }
        >
          <Stack gap="xs">
            {/* The recorded title already carries the year ("Title (Year)"). */}
            <Field label={t("itemActions.undo.current")}>
              <PlexText>{item.title}</PlexText>
            </Field>
            <Field label={t("itemActions.undo.restored")}>
              {previous.guid === null ? (
                t("itemActions.undo.unmatched")
              ) : (
                <TitleYear title={previous.title} year={previous.year} />
              )}
            </Field>
            <Text size="sm">{t("itemActions.undo.text")}</Text>
          </Stack>
        </ConfirmModal>
      )}
      <ConfirmModal
        opened={ignoreOpen}
        title={t("itemActions.ignoreDialog.title", { title: item.title })}
        confirmLabel={t("itemActions.ignoreDialog.confirm")}
        loading={ignore.isPending}
        onClose={() => setIgnoreOpen(false)}
        onConfirm={() =>
          ignore.mutate(
            { reason: reason.trim() },
            {
              onSuccess: () => {
                setIgnoreOpen(false);
                notifications.show({ message: t("itemActions.result.ignored", { title: item.title }) });
              },
              onError: failed,
            },
          )
        }
      >
        <Stack gap="sm">
          <Text size="sm">{t("itemActions.ignoreDialog.text")}</Text>
          <IgnoreReasonField value={reason} onChange={setReason} />
        </Stack>
      </ConfirmModal>
    </Stack>
  );
}

type ResultKind = "refresh" | "match" | "undo";

const RESULT_TITLE: Record<ResultKind, string> = {
  refresh: "itemActions.result.refreshTitle",
  match: "itemActions.result.matchTitle",
  undo: "itemActions.undo.resultTitle",
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="sm" style={{ overflowWrap: "anywhere" }}>
      <Text span size="sm" c="dimmed">
        {label}:
      </Text>{" "}
      {children}
    </Text>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <Divider mb="sm" />
      <Title order={3} fz="sm" mb="xs">
        {title}
      </Title>
      {children}
    </section>
  );
}
