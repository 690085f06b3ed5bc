// The name of a job's kind for Jobs and the job page: "Bulk refresh · 3 items" for a bulk job,
// the source ("Manual", "Scheduler"…) for a scan.
import { useTranslation } from "react-i18next";
import { BULK_SOURCE } from "../../../../src/contracts/bulk-constants";
import type { ScanResource } from "../../../../src/contracts/schemas";
import { formatNumber } from "../../lib/format";
import { KNOWN_SOURCES } from "../../lib/scan";

export function useJobKind(): (scan: Pick<ScanResource, "source" | "settings">) => string {
  const { t, i18n } = useTranslation();
  return (scan) => {
    if (scan.source === BULK_SOURCE) {
      const bulk = scan.settings.bulk as { action?: unknown; total?: unknown } | undefined;
      const action = typeof bulk?.action === "string" ? bulk.action : "refresh";
      const count = typeof bulk?.total === "number" ? bulk.total : 0;
      return t("bulk.kind", {
        action: t(`bulk.action.${action}`, { defaultValue: action }),
        items: t("bulk.summary.items", { count, formatted: formatNumber(count, i18n.language) }),
      });
    }
    return KNOWN_SOURCES.includes(scan.source) ? t(`source.${scan.source}`) : scan.source;
  };
}
