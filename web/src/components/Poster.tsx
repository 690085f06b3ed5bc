import { IconPhotoOff } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/** A lazy, fixed-size poster thumbnail; items without one get a distinct placeholder. */
export function Poster({ ratingKey, title }: { ratingKey: string; title: string }) {
  const { t } = useTranslation();
  const [missing, setMissing] = useState(false);
  if (missing) {
    return (
      <div className="poster poster-missing" role="img" aria-label={t("items.noPoster", { title })}>
        <IconPhotoOff size={18} aria-hidden />
      </div>
    );
  }
  return (
    <img
      className="poster"
      // Twice the displayed width (sharp on high-density screens); Plex scales it, so a page of
      // 50 rows loads a few hundred KB instead of 50 full-size posters.
      src={`/api/items/${encodeURIComponent(ratingKey)}/poster?width=80`}
      alt={t("items.poster", { title })}
      loading="lazy"
      decoding="async"
      width={40}
      height={60}
      onError={() => setMissing(true)}
    />
  );
}
