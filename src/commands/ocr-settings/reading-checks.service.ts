import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config';
import { counterDecider, ocrSettingsDecider } from '../../domain/ocr-settings/ocr-settings.decider';
import { assetCounterStream, ocrSettingsStream } from '../../domain/ocr-settings/ocr-settings.events';
import type { CounterEvent, OcrSettingsEvent } from '../../domain/ocr-settings/ocr-settings.events';
import { EVENT_STORE, EventStore } from '../../ports/event-store.port';
import { type CounterFacts, type TrustedReading, checkCounterReading } from '../../domain/readings/counter-check';
import type { OcrResult } from '../../ports/ocr-engine.port';
import { type FormatInForce, configuredFormats, learnFormats, resolvePlate } from '../../domain/readings/plate-formats';
import { normaliseMeter, normalisePlate, parseMeterValue } from '../../domain/readings/reading-format';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { READING_HISTORY_QUERY, ReadingHistoryReader } from '../../ports/reading-history.query';

export interface FormatsInForce {
  readonly configured: string[];
  readonly learned: FormatInForce[];
  readonly all: FormatInForce[];
}

/**
 * What a tenant's own settings and history say about a reading: its plate formats (configured and
 * learned from its labels) and an asset's counter (declared or learned width, past readings).
 * Only the tenant's own streams and documents are read.
 */
@Injectable()
export class ReadingChecks {
  constructor(
    @Inject(READING_HISTORY_QUERY) private readonly history: ReadingHistoryReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  async formatsInForce(tenantId: string): Promise<FormatsInForce> {
    const settings = (await this.events.readStream(ocrSettingsStream(tenantId))).reduce(
      (s, e) => ocrSettingsDecider.evolve(s, e as unknown as OcrSettingsEvent),
      ocrSettingsDecider.initialState,
    );
    const configured = [...(settings.formats ?? [])];
    const learned = learnFormats(await this.labeledPlates(tenantId));
    const named = new Set(configuredFormats(configured).map((f) => f.layout));
    return { configured, learned, all: [...configuredFormats(configured), ...learned.filter((f) => !named.has(f.layout))] };
  }

  async plate(tenantId: string, ocr: OcrResult): Promise<{ ocr: OcrResult; plateFormat: string | null }> {
    const formats = await this.formatsInForce(tenantId);
    const resolved = resolvePlate(ocr.text, ocr.confidence, formats.all);
    return { ocr: { ...ocr, text: resolved.text, confidence: resolved.confidence }, plateFormat: resolved.plateFormat };
  }

  async meter(tenantId: string, assetId: string, ocr: OcrResult): Promise<OcrResult> {
    const facts = await this.counterFacts(tenantId, assetId);
    const verdict = checkCounterReading(ocr.text, ocr.value, ocr.confidence, facts);
    return { ...ocr, confidence: verdict.confidence };
  }

  async counterFacts(tenantId: string, assetId: string): Promise<CounterFacts> {
    const state = (await this.events.readStream(assetCounterStream(tenantId, assetId))).reduce(
      (s, e) => counterDecider.evolve(s, e as unknown as CounterEvent),
      counterDecider.initialState,
    );
    return { declared: state.declared, replacedAt: state.replacedAt, history: await this.trustedReadings(tenantId, assetId) };
  }

  /** The asset's readings that were confident, corrected or labeled, oldest first, with their truth. */
  private async trustedReadings(tenantId: string, assetId: string): Promise<TrustedReading[]> {
    const readings = await this.history.meterReadings(tenantId, assetId);
    const trusted: TrustedReading[] = [];
    for (const r of readings) {
      const label = r.truth ?? r.corrected_text;
      if (label === null && r.confidence < this.config.captureConfidenceThreshold) continue;
      const text = label === null ? r.text : normaliseMeter(label);
      const value = parseMeterValue(text);
      if (value !== null) trusted.push({ text, value, at: r.recorded_at });
    }
    return trusted.sort((a, b) => a.at.localeCompare(b.at));
  }

  private async labeledPlates(tenantId: string): Promise<string[]> {
    const labels = await this.history.labeledPlateTruths(tenantId);
    // Plates written on entries are stored sealed; an erased one teaches nothing.
    const truths = await Promise.all(labels.map(async (truth) => (truth === null ? null : await this.personal.open(tenantId, truth))));
    return truths.flatMap((t) => (t !== null && 'text' in t ? [normalisePlate(t.text)] : []));
  }
}
