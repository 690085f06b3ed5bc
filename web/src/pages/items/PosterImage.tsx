import { IconPhotoOff } from "@tabler/icons-react";
import { useState } from "react";

/**
 * A larger poster from one of our image routes, or a placeholder when there is none (src null:
 * known to have none, so nothing is asked).
 */
export function PosterImage({
  src,
  alt,
  missingLabel,
  width,
  height,
}: {
  src: string | null;
  alt: string;
  missingLabel: string;
  width: number;
  height: number;
}) {
  // Remembered per address: a new address (a new poster version) is tried again.
  const [missing, setMissing] = useState<string | null>(null);
  const size = { width, height };
  if (src === null || missing === src) {
    return (
      <div className="poster poster-missing" style={size} role="img" aria-label={missingLabel}>
        <IconPhotoOff size={Math.round(width / 4)} aria-hidden />
      </div>
    );
  }
  return (
    <img
      className="poster"
      style={size}
      src={src}
      alt={alt}
      loading="lazy"
      decoding="async"
      width={width}
      height={height}
      onError={() => setMissing(src)}
    />
  );
}
