/** What one request is told: allowed or not, and the figures for the rate-limit headers. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Requests left in the window after this one (0 when refused). */
  readonly remaining: number;
  /** Seconds until the oldest counted request leaves the window (allowed), or until the block ends (refused). */
  readonly resetSeconds: number;
}

/** One tracker's counts: a ring of per-bucket counts covering the window, and its running sum. */
interface Track {
  readonly counts: Uint32Array;
  /** Index (bucket number since the epoch) of the newest bucket the ring holds. */
  newest: number;
  total: number;
  blockedUntil: number;
}

/**
 * Requests per tracker over a sliding window, in O(1) time and memory per tracker whatever the
 * limit: the window is cut into `buckets` buckets, and a request counts against every window that
 * holds its bucket. So at most `limit` requests are allowed in any window of `windowMs` (counted
 * to the bucket), a request past that is refused and blocks its tracker for `blockMs`, and refused
 * requests are not counted. Trackers idle for a whole window are swept.
 */
export class RateWindow {
  private readonly tracks = new Map<string, Track>();
  private readonly bucketMs: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly buckets = 60,
  ) {
    this.bucketMs = windowMs / buckets;
  }

  hit(tracker: string, now: number): RateDecision {
    const bucket = Math.floor(now / this.bucketMs);
    let track = this.tracks.get(tracker);
    if (!track) {
      track = { counts: new Uint32Array(this.buckets), newest: bucket, total: 0, blockedUntil: 0 };
      this.tracks.set(tracker, track);
    }
    this.advance(track, bucket);
    if (track.blockedUntil > now) return { allowed: false, remaining: 0, resetSeconds: Math.max(1, Math.ceil((track.blockedUntil - now) / 1000)) };
    if (track.total >= this.limit) {
      track.blockedUntil = now + this.blockMs;
      return { allowed: false, remaining: 0, resetSeconds: Math.max(1, Math.ceil(this.blockMs / 1000)) };
    }
    track.counts[bucket % this.buckets] += 1;
    track.total += 1;
    return { allowed: true, remaining: this.limit - track.total, resetSeconds: this.resetSeconds(track, bucket, now) };
  }

  /** Drops trackers with nothing counted and no block in force (call now and then). */
  sweep(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    for (const [tracker, track] of this.tracks) {
      this.advance(track, bucket);
      if (track.total === 0 && track.blockedUntil <= now) this.tracks.delete(tracker);
    }
  }

  /** Trackers held (for tests). */
  size(): number {
    return this.tracks.size;
  }

  /** Empties the buckets that left the window since the tracker's newest one. */
  private advance(track: Track, bucket: number): void {
    if (bucket <= track.newest) return;
    if (bucket - track.newest >= this.buckets) {
      track.counts.fill(0);
      track.total = 0;
    } else {
      for (let b = track.newest + 1; b <= bucket; b++) {
        const slot = b % this.buckets;
        track.total -= track.counts[slot];
        track.counts[slot] = 0;
      }
    }
    track.newest = bucket;
  }

  /** Seconds until the oldest bucket with a count leaves the window. */
  private resetSeconds(track: Track, bucket: number, now: number): number {
    for (let b = bucket - this.buckets + 1; b <= bucket; b++) {
      if (track.counts[b % this.buckets] > 0) return Math.max(1, Math.ceil(((b + this.buckets) * this.bucketMs - now) / 1000));
    }
    return Math.ceil(this.windowMs / 1000);
  }
}
