import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ValidationError } from '../../domain/shared/errors';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { textFeatures } from '../../ml/image-features';
import { IMAGE_FEATURES, ImageFeatureReader } from '../../ports/image-features.port';
import { OCR_ENGINE, OcrEngine, OcrMode, OcrResult } from '../../ports/ocr-engine.port';
import { DOMAIN_METRICS, DomainMetrics } from '../../ports/domain-metrics.port';

export interface UploadedPhoto {
  readonly buffer: Buffer;
  readonly mimetype?: string;
}

export interface PhotoReading {
  readonly ocr: OcrResult;
  readonly imageHash: string;
  readonly phash: string;
  /** 68 image features then 3 text features, all in 0..1 (see `captureFeatures`). */
  readonly features: number[];
}

/** Text length saturates here: longer readings are not more different from each other. */
const TEXT_LENGTH_SCALE = 16;

export function captureFeatures(imageVector: readonly number[], text: string): number[] {
  const t = textFeatures(text);
  return [...imageVector, Math.min(1, t.length / TEXT_LENGTH_SCALE), t.digitShare, t.letterShare];
}

/**
 * Everything that happens to a photo before an event is appended: decode (a non-image is 422 and
 * nothing is appended), recognise, compute diversity features, store the bytes by hash.
 */
@Injectable()
export class PhotoIntake {
  constructor(
    @Inject(OCR_ENGINE) private readonly ocr: OcrEngine,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(IMAGE_FEATURES) private readonly imageFeatures: ImageFeatureReader,
    @Optional() @Inject(DOMAIN_METRICS) private readonly metrics?: DomainMetrics,
  ) {}

  /**
   * With `store: false` (an entry's photo, which the caller seals under a key of its own entry) the
   * bytes are not put in the blob store; `imageHash` is their sha256 either way.
   */
  async read(photo: UploadedPhoto | undefined, mode: OcrMode, options: { store?: boolean } = {}): Promise<PhotoReading> {
    if (!photo || !Buffer.isBuffer(photo.buffer) || photo.buffer.length === 0) {
      throw new ValidationError('photo: a PNG or JPEG file is required (multipart field "photo")', { fields: { photo: ['is required'] } });
    }
    // Features first: it rejects anything that is not a decodable PNG/JPEG before OCR work starts.
    const image = await this.imageFeatures.compute(photo.buffer);
    const started = process.hrtime.bigint();
    const ocr = await this.ocr.recognize(photo.buffer, mode);
    const labels = { engine: ocr.engineName, mode };
    this.metrics?.ocrRead(labels, Number(process.hrtime.bigint() - started) / 1e9, ocr.confidence);
    const imageHash = options.store === false ? createHash('sha256').update(photo.buffer).digest('hex') : (await this.blobs.put(photo.buffer, photo.buffer[0] === 0x89 ? 'image/png' : 'image/jpeg')).hash;
    return { ocr, imageHash, phash: image.phash, features: captureFeatures(image.vector, ocr.text) };
  }
}
