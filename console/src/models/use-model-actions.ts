import { useState } from 'react';
import type { ApiClient } from '../api';
import { errorText, fmtNum } from '../common';
import type { Model } from '../types';

export const MODEL_TYPE = 'conflict_predictor';
export type ModelAction = 'activate' | 'deactivate';
export type Note = { kind: 'ok' | 'error'; text: string } | null;

/** The ML engineer's commands on versions (train, activate, deactivate), with a busy flag and the last note. */
export function useModelActions(api: ApiClient, reloadAll: () => void) {
  const [confirm, setConfirm] = useState<{ action: ModelAction; version: string } | null>(null);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: ModelAction, version: string) {
    setBusy(true);
    setNote(null);
    try {
      await api.post(`/api/v2/ml/models/${encodeURIComponent(version)}/${action}`);
      setNote({ kind: 'ok', text: `${action === 'activate' ? 'Activated' : 'Deactivated'} ${version}.` });
    } catch (err) {
      setNote({ kind: 'error', text: `Could not ${action} ${version}: ${errorText(err)}` });
    } finally {
      setBusy(false);
      setConfirm(null);
      reloadAll();
    }
  }

  async function train() {
    setBusy(true);
    setNote(null);
    try {
      const m = await api.post<Model>('/api/v2/ml/models/train', { model_type: MODEL_TYPE });
      setNote({
        kind: 'ok',
        text: `Trained ${m.version}: test ROC-AUC ${fmtNum(m.metrics?.test_roc_auc)}. Training never activates; review it below.`,
      });
    } catch (err) {
      setNote({ kind: 'error', text: `Training failed: ${errorText(err)}` });
    } finally {
      setBusy(false);
      reloadAll();
    }
  }

  return { confirm, setConfirm, note, busy, run, train };
}
