import type { ImageFeatures } from '../ml/image-features';

/** Injection token for the decoding of a photo into its diversity features. */
export const IMAGE_FEATURES = Symbol('IMAGE_FEATURES');

/**
 * Decodes a photo and computes its features (`ml/image-features.ts`). Rejects anything that is not
 * a decodable PNG or JPEG with UnprocessableError, before any OCR work is spent on it.
 */
export interface ImageFeatureReader {
  compute(image: Buffer): Promise<ImageFeatures>;
}
