/**
 * Active-learning batch selection: which unlabeled examples a human should label next.
 *
 * Corrections (a human already said the model was wrong) always come first. The rest are chosen to
 * be uncertain AND different from each other: the most uncertain
 * `max(batchSize * candidateFactor, minCandidates)` examples form a candidate set, then k-center
 * greedy picks, one at a time, the candidate farthest from everything already picked, weighted by
 * its uncertainty. Pure uncertainty sampling
 * would spend a batch on near-duplicate photos of the same hard meter; k-center spreads it.
 */
import { seededRandom } from './prng';

export const ACTIVE_LEARNING_STRATEGY = 'uncertainty_kcenter_v1';

export interface PoolExample {
  readonly exampleId: string;
  /** In [0, 1]; higher means the model is less sure. */
  readonly uncertainty: number;
  readonly isCorrection: boolean;
  /** E.g. a 64-bit perceptual hash as 64 0/1 values, then a few numeric text features. */
  readonly features: readonly number[];
}

export interface SelectionOptions {
  readonly batchSize?: number;
  readonly seed: number | string;
  /** Candidate set size as a multiple of the batch size... */
  readonly candidateFactor?: number;
  /**
   * ...but never fewer than this: a tight top-k can consist entirely of near-duplicates of one
   * hard example, leaving k-center nothing to spread over. k-center stays cheap at this size.
   */
  readonly minCandidates?: number;
  /** 0: distance only; 1: distance scaled fully by uncertainty. */
  readonly uncertaintyWeight?: number;
}

export interface SelectedExample {
  readonly exampleId: string;
  readonly uncertaintyScore: number;
  /** Distance to the nearest earlier pick in the batch; 1 (the maximum) for the first pick. */
  readonly diversityDistance: number;
  /** 1-based position in the batch. */
  readonly rank: number;
}

export interface SelectionParameters {
  readonly batchSize: number;
  readonly seed: number | string;
  readonly candidateFactor: number;
  readonly minCandidates: number;
  readonly uncertaintyWeight: number;
  readonly poolSize: number;
  readonly corrections: number;
  readonly candidates: number;
  readonly distance: 'rms_minmax';
}

export interface ActiveLearningBatch {
  readonly selected: SelectedExample[];
  readonly strategy: typeof ACTIVE_LEARNING_STRATEGY;
  readonly parameters: SelectionParameters;
}

/**
 * Root-mean-square difference. For 0/1 hash bits this is sqrt(Hamming / bits); for features
 * min-max normalised to [0, 1] it stays in [0, 1], so bits and text features weigh alike per dimension.
 */
export function featureDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`feature vectors differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

interface Candidate {
  readonly example: PoolExample;
  readonly uncertainty: number;
  /** Seeded per example id, so ties break the same way whatever order the pool arrives in. */
  readonly tieKey: number;
}

function byUncertaintyThenTie(a: Candidate, b: Candidate): number {
  return b.uncertainty - a.uncertainty || a.tieKey - b.tieKey || (a.example.exampleId < b.example.exampleId ? -1 : 1);
}

/** The options with their defaults, checked. */
function settings(options: SelectionOptions): { batchSize: number; candidateFactor: number; minCandidates: number; uncertaintyWeight: number } {
  const batchSize = options.batchSize ?? 50;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  return { batchSize, candidateFactor: options.candidateFactor ?? 10, minCandidates: options.minCandidates ?? 1000, uncertaintyWeight: options.uncertaintyWeight ?? 0.5 };
}

/** Clamps an example's uncertainty (a correction counts as fully uncertain) and gives it a seeded tie key. */
function candidateOf(seedText: string): (example: PoolExample) => Candidate {
  return (example) => {
    if (!Number.isFinite(example.uncertainty)) throw new Error(`example ${example.exampleId} has a non-finite uncertainty`);
    return {
      example,
      uncertainty: example.isCorrection ? 1 : Math.min(1, Math.max(0, example.uncertainty)),
      tieKey: seededRandom(`${seedText}:${example.exampleId}`)(),
    };
  };
}

/** The untaken candidate with the best distance-times-uncertainty score, or -1 when none is left. */
function bestNext(candidates: readonly Candidate[], taken: Uint8Array, minDistance: Float64Array, uncertaintyWeight: number): number {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < candidates.length; i++) {
    if (taken[i]) continue;
    // With nothing picked yet every distance is infinite; the most uncertain candidate (index 0) starts.
    const distance = Number.isFinite(minDistance[i]) ? minDistance[i] : 1;
    const score = distance * (1 - uncertaintyWeight + uncertaintyWeight * candidates[i].uncertainty);
    // Candidates are sorted by uncertainty then tie key, so strict ">" keeps ties deterministic.
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

export function selectActiveLearningBatch(pool: readonly PoolExample[], options: SelectionOptions): ActiveLearningBatch {
  const { batchSize, candidateFactor, minCandidates, uncertaintyWeight } = settings(options);
  const toCandidate = candidateOf(String(options.seed));

  const corrections = pool.filter((e) => e.isCorrection).map(toCandidate).sort(byUncertaintyThenTie).slice(0, batchSize);
  const rest = pool.filter((e) => !e.isCorrection);
  const k = Math.min(rest.length, Math.max(batchSize * candidateFactor, minCandidates));
  const candidates = topByUncertainty(rest, k, toCandidate);

  const chosen = [...corrections, ...candidates];
  const vectors = normalise(chosen.map((c) => c.example.features));
  const selected: SelectedExample[] = [];
  // minDistance[i]: distance from candidate i to its nearest pick so far (incremental, so O(k * batch * d)).
  const offset = corrections.length;
  const minDistance = new Float64Array(candidates.length).fill(Number.POSITIVE_INFINITY);
  const taken = new Uint8Array(candidates.length);

  const pick = (index: number, candidate: Candidate, distance: number): void => {
    selected.push({
      exampleId: candidate.example.exampleId,
      uncertaintyScore: candidate.uncertainty,
      diversityDistance: Number.isFinite(distance) ? distance : 1,
      rank: selected.length + 1,
    });
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const d = featureDistance(vectors[offset + i], vectors[index]);
      if (d < minDistance[i]) minDistance[i] = d;
    }
  };

  corrections.forEach((c, i) => {
    let nearest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < i; j++) nearest = Math.min(nearest, featureDistance(vectors[i], vectors[j]));
    pick(i, c, nearest);
  });

  while (selected.length < batchSize) {
    const best = bestNext(candidates, taken, minDistance, uncertaintyWeight);
    if (best < 0) break;
    taken[best] = 1;
    pick(offset + best, candidates[best], minDistance[best]);
  }

  return {
    selected,
    strategy: ACTIVE_LEARNING_STRATEGY,
    parameters: {
      batchSize,
      seed: options.seed,
      candidateFactor,
      minCandidates,
      uncertaintyWeight,
      poolSize: pool.length,
      corrections: corrections.length,
      candidates: candidates.length,
      distance: 'rms_minmax',
    },
  };
}

/**
 * The k most uncertain, sorted. The k-th largest uncertainty comes from a native sort of a typed
 * array; only examples at or above it (k plus ties) get a tie key and a comparator sort.
 */
function topByUncertainty(rest: readonly PoolExample[], k: number, toCandidate: (e: PoolExample) => Candidate): Candidate[] {
  if (k <= 0) return [];
  const clamp = (u: number): number => Math.min(1, Math.max(0, u));
  const values = Float64Array.from(rest, (e) => clamp(e.uncertainty));
  values.sort();
  const cutoff = values[values.length - k];
  return rest
    .filter((e) => !(clamp(e.uncertainty) < cutoff))
    .map(toCandidate)
    .sort(byUncertaintyThenTie)
    .slice(0, k);
}

/** Min-max per dimension over the vectors in play; a constant dimension becomes 0 everywhere. */
function normalise(vectors: readonly (readonly number[])[]): number[][] {
  if (vectors.length === 0) return [];
  const d = vectors[0].length;
  const lo = new Array<number>(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(d).fill(Number.NEGATIVE_INFINITY);
  for (const v of vectors) {
    if (v.length !== d) throw new Error(`feature vectors differ in length (${v.length} vs ${d})`);
    for (let j = 0; j < d; j++) {
      if (v[j] < lo[j]) lo[j] = v[j];
      if (v[j] > hi[j]) hi[j] = v[j];
    }
  }
  return vectors.map((v) => v.map((x, j) => (hi[j] > lo[j] ? (x - lo[j]) / (hi[j] - lo[j]) : 0)));
}
