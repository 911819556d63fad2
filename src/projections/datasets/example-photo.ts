import { SourceSystem } from '../../domain/training/training-example.events';
import { BlobStore, isBlobHash } from '../../ports/blob-store.port';
import { PersonalDataPort } from '../../ports/personal-data.port';

/**
 * The photo of a reading or entry. An entry's photo is sealed under a key of its own entry and
 * opened with it; a meter's photo, and an entry's captured before photos were sealed, is in the blob
 * store as it is, by its sha256. null when it is gone: its key deleted (erasure, retention) or its
 * bytes deleted.
 */
export async function sourcePhoto(personal: PersonalDataPort, blobs: BlobStore, tenant: string, source: PhotoSource): Promise<Buffer | null> {
  const located = await locatePhoto(personal, tenant, source);
  if (!located) return null;
  const bytes = await blobs.get(located.blobHash);
  return bytes ? located.open(bytes) : null;
}

export interface PhotoSource {
  readonly sourceSystem: SourceSystem;
  readonly sourceId: string;
  readonly imageHash: string | null;
}

/** Where the photo's stored bytes are and how to open them, without reading them; null when it has none. */
export async function locatePhoto(personal: PersonalDataPort, tenant: string, source: PhotoSource): Promise<{ blobHash: string; open(stored: Buffer): Buffer } | null> {
  if (source.sourceSystem === 'vehicle_entry') {
    const sealed = await personal.entryPhoto(tenant, source.sourceId);
    if (sealed) return sealed;
  }
  return source.imageHash && isBlobHash(source.imageHash) ? { blobHash: source.imageHash, open: (stored) => stored } : null;
}

/** `exampleIdFor`'s inverse: the source id of an example id (`mr_<id>` / `ve_<id>`). */
export function sourceIdOfExample(exampleId: string): string {
  return exampleId.replace(/^(mr|ve)_/, '');
}
