// The posters of the picker's last searches, by search id and candidate guid. The browser asks
// for a candidate's poster by its guid in a list the server made; it never hands the server an
// address to fetch. Memory only: a search is short-lived, and a restart only costs the picker a
// new search.

const MAX_SEARCHES = 200;

export class CandidateSearches {
  private next = 1;
  private readonly searches = new Map<
    string,
    { ratingKey: string; thumbs: Map<string, string | undefined> }
  >();

  /** Keeps a search's poster sources by guid; the returned id goes to the browser. */
  remember(ratingKey: string, candidates: readonly { guid: string; thumb?: string | undefined }[]): string {
    const id = (this.next++).toString(36);
    // The first of a guid listed twice wins, as the picker shows it first.
    const thumbs = new Map<string, string | undefined>();
    for (const c of candidates) if (!thumbs.has(c.guid)) thumbs.set(c.guid, c.thumb);
    this.searches.set(id, { ratingKey, thumbs });
    // Oldest first out: a Map iterates in insertion order.
    while (this.searches.size > MAX_SEARCHES) {
      const oldest = this.searches.keys().next().value;
      if (oldest === undefined) break;
      this.searches.delete(oldest);
    }
    return id;
  }

  /** The poster source of a candidate of a search for this item, if there is one. */
  thumb(searchId: string, ratingKey: string, guid: string): string | undefined {
    const search = this.searches.get(searchId);
    return search?.ratingKey === ratingKey ? search.thumbs.get(guid) : undefined;
  }

  has(searchId: string, ratingKey: string): boolean {
    return this.searches.get(searchId)?.ratingKey === ratingKey;
  }
}
