/**
 * Parsed frames of a point-cloud sequence, kept within a memory budget so stepping through a
 * sequence (A/D, playback) shows neighbouring frames without fetching and parsing them again, and
 * the next frames are parsed while the annotator works on the current one. Least recently used
 * frames are evicted first; the frame on screen never is. Requests for a frame already loading
 * share one load. Pure bookkeeping: the loader is injected (loadCloud in the app).
 */
export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  bytes: number;
  entries: number;
}

interface Entry<T> {
  promise: Promise<T>;
  value?: T;
  bytes: number;
  /** Recency stamp: larger is more recent. */
  used: number;
}

export class CloudCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private clock = 0;
  private pinned: string | null = null;
  readonly stats: CacheStats = { hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 };

  constructor(
    private readonly load: (key: string) => Promise<T>,
    private readonly sizeOf: (value: T) => number,
    private readonly budgetBytes: number,
  ) {}

  /** The frame for `key`, loading it if needed; it becomes the pinned (on-screen) frame. */
  get(key: string): Promise<T> {
    this.pinned = key;
    return this.request(key, true);
  }

  /** A frame read by a background job (propagation): cached like the others, the pinned frame unchanged. */
  read(key: string): Promise<T> {
    return this.request(key, true);
  }

  /** Starts loading frames the user is likely to open next; failures are forgotten silently. */
  prefetch(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.entries.has(key)) continue;
      this.request(key, false).catch(() => undefined);
    }
  }

  has(key: string): boolean {
    return this.entries.get(key)?.value !== undefined;
  }

  clear(): void {
    this.entries.clear();
    this.pinned = null;
    this.refreshStats();
  }

  private request(key: string, counted: boolean): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      hit.used = ++this.clock;
      if (counted) this.stats.hits++;
      return hit.promise;
    }
    if (counted) this.stats.misses++;
    const entry: Entry<T> = { promise: Promise.resolve() as unknown as Promise<T>, bytes: 0, used: ++this.clock };
    entry.promise = this.load(key).then(
      (value) => {
        if (this.entries.get(key) === entry) {
          entry.value = value;
          entry.bytes = this.sizeOf(value);
          this.evict();
        }
        return value;
      },
      (error) => {
        // A failed load is not cached: the next request tries again.
        if (this.entries.get(key) === entry) this.entries.delete(key);
        this.refreshStats();
        throw error;
      },
    );
    this.entries.set(key, entry);
    this.refreshStats();
    return entry.promise;
  }

  /** Drops least recently used loaded frames (never the pinned one) until within the budget. */
  private evict(): void {
    let total = this.totalBytes();
    if (total > this.budgetBytes) {
      const victims = [...this.entries.entries()]
        .filter(([key, e]) => key !== this.pinned && e.value !== undefined)
        .sort((a, b) => a[1].used - b[1].used);
      for (const [key, e] of victims) {
        if (total <= this.budgetBytes) break;
        this.entries.delete(key);
        total -= e.bytes;
        this.stats.evictions++;
      }
    }
    this.refreshStats();
  }

  private totalBytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    return total;
  }

  private refreshStats(): void {
    this.stats.bytes = this.totalBytes();
    this.stats.entries = this.entries.size;
  }
}
