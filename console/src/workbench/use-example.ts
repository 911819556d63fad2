import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';
import { errorText } from '../common';
import type { Example } from '../types';

export const BASE = '/api/v2/ml-training';

/**
 * The photo needs the Authorization header, so it is fetched and inlined. A data: URL rather than a
 * blob: URL, because the service's default Content-Security-Policy (helmet) allows `img-src 'self' data:`.
 */
function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the photo'));
    reader.readAsDataURL(blob);
  });
}

export interface LoadedExample {
  /** undefined while loading, null when the example is not found. */
  example: Example | null | undefined;
  imageUrl: string | null;
  imageError: string | null;
}

/** Loads the example (OCR text, confidence) and its photo whenever the held task changes. */
export function useExample(api: ApiClient, exampleId: string | undefined, onLoaded: (example: Example) => void): LoadedExample {
  const [example, setExample] = useState<Example | null | undefined>(undefined);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);
  useEffect(() => {
    setExample(undefined);
    setImageUrl(null);
    setImageError(null);
    if (!exampleId) return;
    let cancelled = false;
    api.get<Example>(`${BASE}/examples/${encodeURIComponent(exampleId)}`).then(
      (ex) => {
        if (cancelled) return;
        setExample(ex);
        onLoaded(ex);
      },
      () => !cancelled && setExample(null),
    );
    api
      .getRaw(`${BASE}/examples/${encodeURIComponent(exampleId)}/image`)
      .then((res) => res.blob())
      .then(blobToDataUrl)
      .then(
        (url) => !cancelled && setImageUrl(url),
        (err: unknown) => !cancelled && setImageError(errorText(err)),
      );
    return () => {
      cancelled = true;
    };
    // onLoaded is a state setter's wrapper: a new one each render must not reload the example.
  }, [api, exampleId]);
  return { example, imageUrl, imageError };
}
