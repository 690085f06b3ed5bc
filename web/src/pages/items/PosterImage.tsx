import { IconPhotoOff } from "@tabler/icons-react";
import { useState } from "react";

/** A larger poster from one of our image routes, or a placeholder when there is none. */
export function PosterImage({
  src,
  alt,
  missingLabel,
  width,
  height,
}: {
  src: string;
  alt: string;
  missingLabel: string;
  width: number;
  height: number;
}) {
  const [missing, setMissing] = useState(false);
  const size = { width, height };
  if (missing) {
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
      onError={() => setMissing(true)}
    />
  );
}
