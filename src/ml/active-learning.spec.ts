import { featureDistance, PoolExample, selectActiveLearningBatch } from './active-learning';
import { Random, seededRandom } from './prng';

function hashBits(random: Random): number[] {
  return Array.from({ length: 64 }, () => (random() < 0.5 ? 1 : 0));
}

function nearDuplicate(base: readonly number[], random: Random, flips = 2): number[] {
  const bits = [...base];
  for (let f = 0; f < flips; f++) {
    const i = Math.floor(random() * bits.length);
    bits[i] = 1 - bits[i];
  }
  return bits;
}

/** `clusters` groups of near-duplicate photos, each with a text-length feature. */
function clusteredPool(clusters: number, perCluster: number, uncertaintyOf: (cluster: number, random: Random) => number): PoolExample[] {
  const random = seededRandom(99);
  const pool: PoolExample[] = [];
  for (let c = 0; c < clusters; c++) {
    const base = hashBits(random);
    const textLength = 5 + c * 3;
    for (let i = 0; i < perCluster; i++) {
      pool.push({
        exampleId: `c${c}-${i}`,
        uncertainty: uncertaintyOf(c, random),
        isCorrection: false,
        features: [...nearDuplicate(base, random), textLength + random()],
      });
    }
  }
  return pool;
}

const clusterOf = (id: string): string => id.split('-')[0];

describe('featureDistance', () => {
  it('is sqrt(Hamming / bits) on 0/1 vectors and RMS on numeric ones', () => {
    expect(featureDistance([1, 0, 1, 1], [0, 0, 1, 0])).toBeCloseTo(Math.sqrt(2 / 4), 15);
    expect(featureDistance([0.5, 2], [0.5, 2])).toBe(0);
    expect(featureDistance([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(25 / 2), 15);
  });
});

describe('selectActiveLearningBatch', () => {
  it('spreads a batch across clusters of near-duplicates', () => {
    const pool = clusteredPool(5, 100, (_c, r) => 0.6 + 0.3 * r());
    const batch = selectActiveLearningBatch(pool, { batchSize: 5, seed: 1 });
    expect(new Set(batch.selected.map((s) => clusterOf(s.exampleId))).size).toBe(5);
    const ten = selectActiveLearningBatch(pool, { batchSize: 10, seed: 1 });
    expect(new Set(ten.selected.slice(0, 5).map((s) => clusterOf(s.exampleId))).size).toBe(5);
    const perCluster = new Map<string, number>();
    for (const s of ten.selected) perCluster.set(clusterOf(s.exampleId), (perCluster.get(clusterOf(s.exampleId)) ?? 0) + 1);
    expect(Math.max(...perCluster.values())).toBeLessThanOrEqual(3);
    // Once every cluster is covered, later picks are far closer to an earlier pick.
    expect(ten.selected[5].diversityDistance).toBeLessThan(ten.selected[4].diversityDistance / 2);
  });

  it('does not fill the batch with duplicates of the most uncertain example', () => {
    // Cluster 0 is the most uncertain; pure uncertainty sampling would take only cluster 0.
    const pool = clusteredPool(4, 50, (c, r) => (c === 0 ? 0.95 + 0.05 * r() : 0.7 + 0.05 * r()));
    const batch = selectActiveLearningBatch(pool, { batchSize: 4, seed: 'b' });
    expect(clusterOf(batch.selected[0].exampleId)).toBe('c0');
    expect(new Set(batch.selected.map((s) => clusterOf(s.exampleId))).size).toBe(4);
  });

  it('puts corrections first, with uncertainty 1', () => {
    const pool = clusteredPool(3, 30, (_c, r) => r());
    const withCorrections = pool.map((e, i) => (i === 7 || i === 50 ? { ...e, isCorrection: true, uncertainty: 0.01 } : e));
    const batch = selectActiveLearningBatch(withCorrections, { batchSize: 6, seed: 3 });
    expect(batch.selected.slice(0, 2).map((s) => s.exampleId).sort()).toEqual(['c0-7', 'c1-20']);
    expect(batch.selected.slice(0, 2).every((s) => s.uncertaintyScore === 1)).toBe(true);
    expect(batch.selected.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batch.parameters.corrections).toBe(2);
  });

  it('is deterministic for the same pool and seed, whatever the pool order', () => {
    // All uncertainties tie, so only the seed decides.
    const pool = clusteredPool(4, 40, () => 0.5);
    const a = selectActiveLearningBatch(pool, { batchSize: 8, seed: 42 });
    expect(selectActiveLearningBatch(pool, { batchSize: 8, seed: 42 })).toEqual(a);
    expect(selectActiveLearningBatch([...pool].reverse(), { batchSize: 8, seed: 42 })).toEqual(a);
    expect(a.strategy).toBe('uncertainty_kcenter_v1');
    const others = [1, 2, 3, 4, 5].map((seed) => selectActiveLearningBatch(pool, { batchSize: 8, seed }).selected[0].exampleId);
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('returns the whole pool when it is smaller than the batch', () => {
    const pool = clusteredPool(1, 3, () => 0.5);
    expect(selectActiveLearningBatch(pool, { batchSize: 50, seed: 1 }).selected).toHaveLength(3);
    expect(selectActiveLearningBatch([], { batchSize: 50, seed: 1 }).selected).toEqual([]);
  });

  it('selects 50 of 100,000 in under a second', () => {
    const random = seededRandom(7);
    const pool: PoolExample[] = Array.from({ length: 100_000 }, (_, i) => ({
      exampleId: `e${i}`,
      uncertainty: random(),
      isCorrection: i % 5000 === 0,
      features: [...hashBits(random), random() * 40, random()],
    }));
    const started = performance.now();
    const batch = selectActiveLearningBatch(pool, { batchSize: 50, seed: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(batch.selected).toHaveLength(50);
  });
});
