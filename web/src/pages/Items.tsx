import {
  Anchor,
  Button,
  Card,
  Center,
  Checkbox,
  Chip,
  CloseButton,
  Group,
  Loader,
  Pagination,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useDebouncedCallback, useMediaQuery } from "@mantine/hooks";
import { IconFilterOff, IconSearch } from "@tabler/icons-react";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ATTENTION_FILTER, ATTENTION_STATES, ITEM_STATES } from "../../../src/contracts/constants";
import type { ItemResource, StatsResponse } from "../../../src/contracts/schemas";
import { ITEMS_PAGE_SIZE, useItems, useStats } from "../api/queries";
import { ItemStateBadge } from "../components/badges";
import { ErrorState } from "../components/ErrorState";
import { PageTitle } from "../components/PageTitle";
import { Poster } from "../components/Poster";
import { RelativeTime } from "../components/RelativeTime";
import { TitleYear } from "../components/TitleYear";
import { useReasonText } from "../components/useReasonText";
import { formatNumber } from "../lib/format";
import {
  ALL_STATES,
  apiState,
  hasActiveFilters,
  type ItemFilters,
  itemFiltersToParams,
  parseItemFilters,
  type StateChoice,
} from "../lib/itemFilters";
import { BulkBar } from "./items/BulkBar";
import { ItemDrawer } from "./items/ItemDrawer";

/** The open drawer lives in the URL too (?item=ratingKey), so back closes it and links can open it. */
const ITEM_PARAM = "item";

export default function ItemsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = parseItemFilters(params);
  const items = useItems(filters);
  const stats = useStats();
  const phone = useMediaQuery("(max-width: 48em)");
  const update = (patch: Partial<ItemFilters>) =>
    setParams(itemFiltersToParams({ ...filters, page: 1, ...patch }), { replace: "page" in patch === false });
  const openItem = params.get(ITEM_PARAM);
  const openRatingKey = openItem && /^\d{1,12}$/.test(openItem) ? openItem : null;
  const setOpenItem = (ratingKey: string | null) => {
    const next = itemFiltersToParams(filters);
    if (ratingKey) next.set(ITEM_PARAM, ratingKey);
    setParams(next);
  };

  const [search, setSearch] = useState(filters.q ?? "");
  useEffect(() => setSearch(filters.q ?? ""), [filters.q]);
  const pushSearch = useDebouncedCallback((q: string) => update({ q: q.trim() || undefined }), 350);

  const libraries = Object.keys(stats.data?.libraries ?? {}).sort((a, b) =>
    a.localeCompare(b, i18n.language),
  );
  if (filters.library && !libraries.includes(filters.library)) libraries.push(filters.library);
  const nothingScanned = stats.data?.items.total === 0;
  const data = items.data;
  const totalPages = data ? Math.max(1, Math.ceil(data.total / ITEMS_PAGE_SIZE)) : 1;

  // The selection: chosen rows (kept across pages), or every item the filter matches, which
  // the server resolves. A new filter starts a new selection.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const filterKey = JSON.stringify([filters.state, filters.problem, filters.library, filters.q]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection resets when the filter (its key) changes
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filterKey]);
  const pageKeys = useMemo(() => data?.items.map((i) => i.ratingKey) ?? [], [data]);
  const isSelected = (key: string) => allMatching || selected.has(key);
  const pageSelected = pageKeys.length > 0 && pageKeys.every(isSelected);
  const pageSome = pageKeys.some(isSelected);
  const selection: Selection = {
    isSelected,
    pageSelected,
    pageSome,
    toggle: (key) => {
      if (allMatching) {
        // Leaving "all matching": what stays selected is this page without the row.
        setAllMatching(false);
        setSelected(new Set(pageKeys.filter((k) => k !== key)));
        return;
      }
      const next = new Set(selected);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      setSelected(next);
    },
    togglePage: () => {
      const next = new Set(allMatching ? [] : selected);
      if (pageSelected) for (const k of pageKeys) next.delete(k);
      else for (const k of pageKeys) next.add(k);
      setAllMatching(false);
      setSelected(next);
    },
  };
  const selectedCount = allMatching ? (data?.total ?? 0) : selected.size;
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  return (
    <Stack gap="md">
      <PageTitle>{t("items.title")}</PageTitle>
      <Paper withBorder p="sm" component="search" aria-label={t("items.filters")}>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput
            label={t("items.search")}
            placeholder={t("items.searchPlaceholder")}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(e) => {
              setSearch(e.currentTarget.value);
              pushSearch(e.currentTarget.value);
            }}
            type="search"
          />
          <Select
            label={t("items.library")}
            placeholder={t("items.allLibraries")}
            data={libraries}
            value={filters.library ?? null}
            onChange={(v) => update({ library: v ?? undefined })}
            clearable
            clearButtonProps={{ "aria-label": t("items.clearLibrary") }}
            searchable
            nothingFoundMessage={t("items.noLibraries")}
          />
        </SimpleGrid>
        <StateChips
          value={filters.state}
          stats={stats.data}
          onChange={(state) => update({ state, problem: undefined })}
        />
        {filters.problem && (
          <Group gap={4} mt="xs">
            <Text size="sm">{t("items.problemFilter", { problem: t(`problem.${filters.problem}`) })}</Text>
            <CloseButton
              size="sm"
              aria-label={t("items.clearProblem")}
              onClick={() => update({ problem: undefined })}
            />
          </Group>
        )}
      </Paper>

      {items.isError && <ErrorState error={items.error} onRetry={() => void items.refetch()} />}
      {items.isPending && (
        <Center py="xl">
          <Loader role="status" aria-label={t("common.loading")} />
        </Center>
      )}
      {data && data.total === 0 && (
        <Paper withBorder p="lg">
          {nothingScanned ? (
            <Stack gap="xs" align="flex-start">
              <Title order={2} fz="h4">
                {t("items.emptyTitle")}
              </Title>
              <Text c="dimmed">{t("items.emptyText")}</Text>
              <Anchor component={Link} to="/">
                {t("items.toDashboard")}
              </Anchor>
            </Stack>
          ) : filters.state === ATTENTION_FILTER && !filters.problem && !filters.library && !filters.q ? (
            <Stack gap="xs" align="flex-start">
              <Title order={2} fz="h4">
                {t("items.noAttentionTitle")}
              </Title>
              <Text c="dimmed">{t("items.noAttentionText")}</Text>
              <Button variant="default" onClick={() => update({ state: ALL_STATES })}>
                {t("items.showAll")}
              </Button>
            </Stack>
          ) : (
            <Stack gap="xs" align="flex-start">
              <Title order={2} fz="h4">
                {t("items.noMatchTitle")}
              </Title>
              <Text c="dimmed">{t("items.noMatchText")}</Text>
              <Button
                variant="default"
                leftSection={<IconFilterOff size={16} aria-hidden />}
                onClick={() => {
                  setSearch("");
                  setParams(itemFiltersToParams({ state: ALL_STATES, page: 1 }));
                }}
                disabled={!hasActiveFilters(filters)}
              >
                {t("items.resetFilters")}
              </Button>
            </Stack>
          )}
        </Paper>
      )}
      {data && data.items.length > 0 && (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {t("items.count", { count: data.total, formatted: formatNumber(data.total, i18n.language) })}
          </Text>
          {phone ? (
            <ItemCards items={data.items} onOpen={setOpenItem} selection={selection} />
          ) : (
            <ItemTable items={data.items} onOpen={setOpenItem} selection={selection} />
          )}
        </>
      )}
      {data && totalPages > 1 && (
        <Pagination
          value={filters.page}
          total={totalPages}
          onChange={(page) => update({ page })}
          siblings={phone ? 0 : 1}
          getControlProps={(control) => ({ "aria-label": t(`pagination.${control}`) })}
          getItemProps={(p) => ({ "aria-label": t("pagination.page", { page: p }) })}
        />
      )}
      {data && selectedCount > 0 && (
        <BulkBar
          count={selectedCount}
          total={data.total}
          pageSelected={pageSelected}
          allMatching={allMatching}
          onSelectAllMatching={() => setAllMatching(true)}
          onClear={clearSelection}
          selection={() =>
            allMatching
              ? {
                  filter: {
                    ...(apiState(filters.state) ? { state: apiState(filters.state) } : {}),
                    ...(filters.problem ? { problem: filters.problem } : {}),
                    ...(filters.library ? { library: filters.library } : {}),
                    ...(filters.q ? { q: filters.q } : {}),
                  },
                }
              : { ratingKeys: [...selected] }
          }
          onStarted={clearSelection}
        />
      )}
      <ItemDrawer ratingKey={openRatingKey} onClose={() => setOpenItem(null)} />
    </Stack>
  );
}

/** The chips' order: what needs the user first, then the rest, then every item. */
const CHIP_STATES: StateChoice[] = [
  ATTENTION_FILTER,
  ...ATTENTION_STATES,
  ...ITEM_STATES.filter((s) => !(ATTENTION_STATES as readonly string[]).includes(s)),
  ALL_STATES,
];

function chipCount(state: StateChoice, stats: StatsResponse | undefined): number | undefined {
  if (!stats) return undefined;
  const by = stats.items.byState;
  if (state === ALL_STATES) return stats.items.total;
  if (state === ATTENTION_FILTER) return ATTENTION_STATES.reduce((n, s) => n + (by[s] ?? 0), 0);
  return by[state] ?? 0;
}

/** One chip per state that has items, with its count (over every library); choosing one starts at page 1. */
function StateChips({
  value,
  stats,
  onChange,
}: {
  value: StateChoice;
  stats: StatsResponse | undefined;
  onChange: (state: StateChoice) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Chip.Group value={value} onChange={(v) => onChange(v as StateChoice)}>
      <Group gap={6} mt="sm" role="radiogroup" aria-label={t("items.state")}>
        {CHIP_STATES.map((state) => {
          const count = chipCount(state, stats);
          // A state no item has is left out (fewer chips on a phone), unless it is the one chosen.
          if (count === 0 && state !== value && state !== ATTENTION_FILTER && state !== ALL_STATES)
            return null;
          return (
            <Chip key={state} value={state} size="sm" variant="light" type="radio">
              {state === ATTENTION_FILTER
                ? t("items.attention")
                : state === ALL_STATES
                  ? t("items.allStates")
                  : t(`itemState.${state}`)}
              {count !== undefined && " "}
              {count !== undefined && (
                <Text span size="xs" fw={700} ml={4}>
                  {formatNumber(count, i18n.language)}
                </Text>
              )}
            </Chip>
          );
        })}
      </Group>
    </Chip.Group>
  );
}

interface Selection {
  isSelected: (ratingKey: string) => boolean;
  pageSelected: boolean;
  pageSome: boolean;
  toggle: (ratingKey: string) => void;
  togglePage: () => void;
}

function SelectBox({ item, selection }: { item: ItemResource; selection: Selection }) {
  const { t } = useTranslation();
  return (
    <Checkbox
      aria-label={t("bulk.selectItem", { title: item.title })}
      checked={selection.isSelected(item.ratingKey)}
      onChange={() => selection.toggle(item.ratingKey)}
    />
  );
}

function Problems({ problems }: { problems: string[] }) {
  const { t } = useTranslation();
  if (problems.length === 0)
    return (
      <Text span c="dimmed" size="sm">
        {t("common.none")}
      </Text>
    );
  return <Text size="sm">{problems.map((p) => t(`problem.${p}`, { defaultValue: p })).join(", ")}</Text>;
}

/** The title opens the item's drawer: a real button, so keyboards and screen readers reach it. */
function ItemTitle({ item, onOpen }: { item: ItemResource; onOpen: (ratingKey: string) => void }) {
  const { t } = useTranslation();
  const withYear = item.year !== null && !item.title.includes(`(${item.year})`);
  // The name holds the visible text (title and year), so speech input can say what it sees.
  const visible = withYear ? `${item.title} (${item.year})` : item.title;
  return (
    <UnstyledButton
      className="item-open"
      onClick={() => onOpen(item.ratingKey)}
      aria-label={t("itemActions.open", { title: visible })}
      aria-haspopup="dialog"
    >
      <Text size="sm" fw={600} component="span">
        <TitleYear title={item.title} year={withYear ? item.year : null} dimYear />
      </Text>
    </UnstyledButton>
  );
}

interface ListProps {
  items: ItemResource[];
  onOpen: (ratingKey: string) => void;
  selection: Selection;
}

function ItemTable({ items, onOpen, selection }: ListProps) {
  const { t } = useTranslation();
  const reasonOf = useReasonText();
  return (
    <Table striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40}>
            <Checkbox
              aria-label={t("bulk.selectPage")}
              checked={selection.pageSelected}
              indeterminate={selection.pageSome && !selection.pageSelected}
              onChange={selection.togglePage}
            />
          </Table.Th>
          <Table.Th>
            <span className="visually-hidden">{t("items.posterColumn")}</span>
          </Table.Th>
          <Table.Th>{t("items.titleColumn")}</Table.Th>
          <Table.Th>{t("items.library")}</Table.Th>
          <Table.Th>{t("items.state")}</Table.Th>
          <Table.Th>{t("items.problems")}</Table.Th>
          <Table.Th>{t("items.note")}</Table.Th>
          <Table.Th className="nowrap">{t("items.lastChecked")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item) => (
          <Table.Tr
            key={item.ratingKey}
            className="item-row"
            // The whole row opens the drawer for a mouse; the title button is the keyboard way.
            onClick={(e) => {
              if (!(e.target as HTMLElement).closest("a,button,input,label,.item-select"))
                onOpen(item.ratingKey);
            }}
          >
            <Table.Td className="item-select">
              <SelectBox item={item} selection={selection} />
            </Table.Td>
            <Table.Td w={56}>
              <Poster item={item} />
            </Table.Td>
            <Table.Td>
              <ItemTitle item={item} onOpen={onOpen} />
            </Table.Td>
            <Table.Td>{item.library ?? "–"}</Table.Td>
            <Table.Td>
              <ItemStateBadge state={item.state} />
            </Table.Td>
            <Table.Td>
              <Problems problems={item.problems} />
            </Table.Td>
            <Table.Td maw={280}>
              {/* Clamped to two lines; the whole note on hover. */}
              <Text size="sm" lineClamp={2} title={reasonOf(item) || undefined}>
                {reasonOf(item)}
              </Text>
            </Table.Td>
            <Table.Td className="nowrap">
              <RelativeTime value={item.lastCheckedAt} size="sm" />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ItemCards({ items, onOpen, selection }: ListProps) {
  const { t } = useTranslation();
  const reasonOf = useReasonText();
  return (
    <Stack gap="xs">
      <Checkbox
        label={t("bulk.selectPage")}
        checked={selection.pageSelected}
        indeterminate={selection.pageSome && !selection.pageSelected}
        onChange={selection.togglePage}
      />
      {items.map((item) => (
        <Card key={item.ratingKey} withBorder padding="sm">
          <Group align="flex-start" wrap="nowrap" gap="sm">
            <SelectBox item={item} selection={selection} />
            <Poster item={item} />
            <Stack gap={4} miw={0} style={{ flex: 1 }}>
              <ItemTitle item={item} onOpen={onOpen} />
              <Group gap="xs">
                <ItemStateBadge state={item.state} />
                <Text size="xs" c="dimmed">
                  {item.library ?? "–"}
                </Text>
              </Group>
              {item.problems.length > 0 && <Problems problems={item.problems} />}
              {(item.reason || item.note) && (
                <Text size="sm" lineClamp={3} style={{ overflowWrap: "anywhere" }}>
                  {reasonOf(item)}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {t("items.lastChecked")} <RelativeTime value={item.lastCheckedAt} size="xs" />
              </Text>
            </Stack>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
