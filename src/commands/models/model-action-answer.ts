import { toWire } from '../../http/conventions';
import { RegistryResult } from './model-registry.service';

/** An activation or deactivation on the wire (HTTP and `models:activate`): what changed and the pointer now. */
export function actionAnswer(modelType: string, version: string, result: RegistryResult) {
  const active = result.state.active;
  return toWire({
    model_type: modelType,
    version,
    active: active?.version === version,
    active_version: active?.version ?? null,
    activated_at: active?.activatedAt ?? null,
    activated_by: active?.activatedBy ?? null,
    reason: active?.reason ?? null,
    changed: result.events.length > 0,
    events: result.events.map((e) => e.type),
    position: String(result.position),
  });
}
