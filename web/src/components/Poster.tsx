import { IconPhotoOff } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ItemResource } from "../../../src/contracts/schemas";

/** A lazy, fixed-size poster thumbnail; items without one get a distinct placeholder. */
export function Poster({ item }: { item: Pick<ItemResource, "ratingKey" | "title" | "lastCheckedAt"> }) {
  const { t } = useTranslation();
  // Twice the displayed width (sharp on high-density screens); Plex scales it, so a page of
  // 50 rows loads a few hundred KB instead of 50 full-size posters. The time of the last check
  // is part of the address: a fix or an undo is a new check, so the row shows the new poster
  // (the same address would be reused from the page's image cache).
  const src = `/api/items/${encodeURIComponent(item.ratingKey)}/poster?width=80&seen=${Date.parse(item.lastCheckedAt) || 0}`;
  // Remembered per address, so a poster that appears after a fix is shown.
  const [missing, setMissing] = useState<string | null>(null);
  if (missing === src) {
    return (
      <div
        className="poster poster-missing"
        role="img"
        aria-label={t("items.noPoster", { title: item.title })}
      >
        <IconPhotoOff size={18} aria-hidden />
      </div>
    );
  }
  return (
    <img
      className="poster"
      src={src}
      alt={t("items.poster", { title: item.title })}
      loading="lazy"
      decoding="async"
      width={40}
      height={60}
      onError={() => setMissing(src)}
    />
  );
}
