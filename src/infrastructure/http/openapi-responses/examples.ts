import { arr, bool, int, nullable, num, obj, str } from '../openapi-schema';

/** Example values shared by the response schemas (ids, hashes, versions and times as they look on the wire). */
export const HASH = 'bb1b472d1775d7b4f504f0e61ddea539b555699a56c6641dc5487c89915d9a4a';
export const ID = '6083801e-c1aa-45b3-a05d-17c8c4c47131';
export const EXAMPLE_ID = 'mr_7d188cfd-edab-4ebc-94a2-1d0e27effa6a';
export const TASK_ID = 'lt_5e94751867c772cc1322a325';
export const BATCH_ID = 'acme.2026-W02';
export const VERSION = 'v20260302_030000';
export const AT = '2026-03-02T03:00:00.000Z';
export const SOURCE_SYSTEMS = ['meter_reading', 'vehicle_entry'];
export const ENGINES = ['paddle', 'tesseract', 'ensemble'];
export const hash = (example = HASH) => str(example);
export const stream = (example: string) => str(example, 'the event stream written (see the README for stream names)');
/** A personal text (plate, OCR text of an entry): null once its subject is erased. */
export const personal = (example: string) => nullable(str(example, 'personal data: null once erased'));
/** Set (true) on an object whose personal fields were erased. */
export const ERASED = { erased: bool(true, 'present (true) when personal fields of this object were erased') };

export const classScores = obj({ precision: num(0.64), recall: num(1), f1: num(0.78), support: int(70) });
export const confusion = arr(arr(int()), [
  [70, 0],
  [40, 1],
]);
