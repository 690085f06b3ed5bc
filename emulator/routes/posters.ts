/**
 * Poster endpoints (python-plexapi mixins.py PosterMixin, media.py BaseResource.select; see
 * customizations.ts): the list with the selected one, choosing one, uploading one, and the
 * image behind a poster's ratingKey.
 */
import type { IncomingMessage } from "node:http";
import { type EmulatorContext, HttpError, PMS_CONTAINER, type Route } from "../context.js";
import { addUpload, posterList, selectedPoster, selectPoster, sniffImage } from "../customizations.js";
import { el } from "../el.js";
import { posterPng } from "../images.js";
import type { Item } from "../model.js";
import { timelineUpdate } from "../notifications.js";
import { sendBytes, sendContainer, sendEmpty } from "../respond.js";

/** Plex takes posters of a few MB; anything past this is refused unread. */
export const MAX_UPLOAD_BYTES = 10 * 1_048_576;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function itemFor(ctx: EmulatorContext, id: string | undefined): Item {
  const item = ctx.store.get(Number(id));
  if (!item) throw new HttpError(404);
  return item;
}

const fileUrl = (item: Item, ratingKey: string): string =>
  `/library/metadata/${item.rk}/file?url=${encodeURIComponent(ratingKey)}`;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_UPLOAD_BYTES) {
      reject(new HttpError(413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPLOAD_BYTES) {
        req.destroy();
        reject(new HttpError(413));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function published(ctx: EmulatorContext, item: Item): void {
  ctx.hub.publish("timeline", [timelineUpdate(item)]);
}

export const posterRoutes: Route[] = [
  {
    method: "GET",
    name: "GET /library/metadata/:id/posters",
    pattern: /^\/library\/metadata\/(\d+)\/posters$/,
    handler: (ctx, { res, format, params }) => {
      const item = itemFor(ctx, params[0]);
      const section = ctx.store.section(item.sectionId);
      const chosen = selectedPoster(item, section);
      const rows = posterList(item, section).map((p) => {
        const url = fileUrl(item, p.ratingKey);
        return el(
          "Photo",
          {
            key: url,
            ratingKey: p.ratingKey,
            selected: p.ratingKey === chosen,
            thumb: url,
            provider: p.provider,
          },
          undefined,
          "Metadata",
        );
      });
      return sendContainer(res, format, {
        attrs: { size: rows.length, identifier: PMS_CONTAINER.identifier },
        items: rows,
      });
    },
  },
  {
    // media.py BaseResource.select: PUT …/poster?url=<the poster's ratingKey>.
    method: "PUT",
    name: "PUT /library/metadata/:id/poster",
    pattern: /^\/library\/metadata\/(\d+)\/poster$/,
    handler: (ctx, { res, params, query }) => {
      const item = itemFor(ctx, params[0]);
      const url = query.get("url") ?? "";
      const known = posterList(item, ctx.store.section(item.sectionId)).some((p) => p.ratingKey === url);
      if (!known) throw new HttpError(400);
      selectPoster(item, url, nowSeconds());
      ctx.store.touchUpdated();
      published(ctx, item);
      sendEmpty(res);
    },
  },
  {
    // PosterMixin.uploadPoster: the image as the body, or ?url= for Plex to fetch. The emulator
    // is offline, so a URL stands for a drawn image keyed by it (as /photo/:/transcode does).
    method: "POST",
    name: "POST /library/metadata/:id/posters",
    pattern: /^\/library\/metadata\/(\d+)\/posters$/,
    handler: async (ctx, { req, res, params, query }) => {
      const item = itemFor(ctx, params[0]);
      const url = query.get("url");
      let bytes: Buffer;
      if (url !== null) {
        if (!/^https?:\/\/[^\s]+$/.test(url)) throw new HttpError(400);
        bytes = posterPng(`remote:${url}`, 40, 60);
      } else {
        bytes = await readBody(req);
      }
      const type = sniffImage(bytes);
      if (!type) throw new HttpError(400);
      addUpload(item, bytes, type, nowSeconds());
      ctx.store.touchUpdated();
      published(ctx, item);
      sendEmpty(res);
    },
  },
  {
    method: "GET",
    name: "GET /library/metadata/:id/file",
    pattern: /^\/library\/metadata\/(\d+)\/file$/,
    handler: (ctx, { res, params, query }) => {
      const item = itemFor(ctx, params[0]);
      const url = query.get("url") ?? "";
      const poster = posterList(item, ctx.store.section(item.sectionId)).find((p) => p.ratingKey === url);
      if (!poster) throw new HttpError(404);
      if (poster.upload) sendBytes(res, poster.upload.contentType, poster.upload.bytes);
      else sendBytes(res, "image/png", posterPng(`${url}`, 40, 60));
    },
  },
];

/** The bytes a thumb shows: an uploaded poster when one is chosen, else undefined (drawn). */
export function chosenUpload(item: Item): { contentType: string; bytes: Buffer } | undefined {
  return item.uploads?.find((u) => u.ratingKey === item.selectedPoster);
}
