import { parseTrainingCsv, trainingRowsToCsv } from './training-data-csv';

describe('training data CSV', () => {
  it('writes the contract header and reads back exactly what it wrote', () => {
    const rows = [
      { syncId: 's1', syncedAt: '2026-01-01T00:00:00.000Z', features: [1, 0.1 + 0.2, 1 / 3, 168, 0], label: 1 as const, split: 'train' as const },
      { syncId: 'odd,"id"', syncedAt: '2026-01-02T00:00:00.000Z', features: [0, 2.5, 0, 1e-9, 1], label: 0 as const, split: 'test' as const },
    ];
    const csv = trainingRowsToCsv(rows);
    expect(csv.split('\n')[0]).toBe('sync_id,synced_at,concurrent_editors,hours_since_last_sync,user_conflict_rate,entity_edit_frequency,field_overlap_score,label,split');
    expect(csv.split('\n')[2]).toBe('"odd,""id""",2026-01-02T00:00:00.000Z,0,2.5,0,1e-9,1,0,test');
    expect(parseTrainingCsv(csv)).toEqual(rows);
  });
});
