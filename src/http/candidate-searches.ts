// The posters of the picker's last searches, by search id. The browser asks for a candidate's
// poster by position in a list the server made; it never hands the server an address to fetch.
// Memory only: a search is short-lived, and a restart only costs the picker a new search.

const MAX_SEARCHES = 200;

export class CandidateSearches {
  private next = 1;
  private readonly searches = new Map<string, { ratingKey: string; thumbs: (string | undefined)[] }>();

  /** Keeps a search's poster sources; the returned id goes to the browser. */
  remember(ratingKey: string, thumbs: (string | undefined)[]): string {
    const id = (this.next++).toString(36);
    this.searches.set(id, { ratingKey, thumbs });
    // Oldest first out: a Map iterates in insertion order.
    while (this.searches.size > MAX_SEARCHES) {
      const oldest = this.searches.keys().next().value;
      if (oldest === undefined) break;
      this.searches.delete(oldest);
    }
    return id;
  }

  /** The poster source of candidate n of a search for this item, if there is one. */
  thumb(searchId: string, ratingKey: string, n: number): string | undefined {
    const search = this.searches.get(searchId);
    return search?.ratingKey === ratingKey ? search.thumbs[n] : undefined;
  }

  has(searchId: string, ratingKey: string): boolean {
    return this.searches.get(searchId)?.ratingKey === ratingKey;
  }
}
