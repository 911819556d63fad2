/**
 * What crypto-shredding costs on the request path, sealing on and off in the same run: two apps
 * in this process on their own data directories (SQLITE_SYNCHRONOUS=FULL, the key store always
 * FULL), one as shipped, one with a pass-through in place of the sealing (plain fields, no subject
 * lookup or link, the photo stored as it is: the path before personal data was sealed). The OCR is
 * scripted, so the figures are the rest of the capture path, where sealing is a larger share than
 * beside a real OCR read. Every capture has a photo of its own. Requests go one at a time, the two apps
 * taking turns request by request (which goes first alternates);
 * figures are medians and the ratio on/off (target <= 1.10).
 */
import { performance } from 'node:perf_hooks';
import { JwtService } from '../src/infrastructure/auth/jwt';
import { ErasedSubject, Opened, PersonalDataPort, PhotoKey, SealedPhoto } from '../src/ports/personal-data.port';
import { TEST_JWT_SECRET, TestApp, startTestApp } from '../test/support/app';
import { renderPlatePhoto } from '../test/support/photos';
import { ScriptedOcrEngine } from '../test/training/training-helpers';
import { BenchRow, median, round } from './support';

const SUITE = 'privacy sealing on/off (in process)';
const PLATES = Number(process.env.BENCH_PRIVACY_PLATES ?? 25);
/** Captures (then reads of each kind) per app: each plate seen about REQUESTS / PLATES times. */
const REQUESTS = Number(process.env.BENCH_PRIVACY_REQUESTS ?? 400);

/** Sealing off: every field as it is, no keys, the photo stored plain by its hash. */
class PassThroughPersonalData implements PersonalDataPort {
  async subjectOf(): Promise<string> {
    return 'plain';
  }
  async findSubject(): Promise<string | null> {
    return null;
  }
  async seal(_tenant: string, _subject: string, text: string): Promise<string> {
    return text;
  }
  async sealMany(_tenant: string, _subject: string, texts: readonly string[]): Promise<string[]> {
    return [...texts];
  }
  async open(_tenant: string, value: string): Promise<Opened> {
    return { text: value };
  }
  opener(): (value: string) => Promise<Opened> {
    return async (value: string) => ({ text: value });
  }
  async keyedHash(): Promise<string | null> {
    return null;
  }
  subjectOfSealed(): string | null {
    return null;
  }
  async linkEntry(_tenant: string, _subject: string, _entry: string, _photo: string, _key?: PhotoKey): Promise<void> {}
  sealPhoto(photo: Buffer): { sealed: Buffer; wrappedKey: Buffer } {
    return { sealed: photo, wrappedKey: Buffer.alloc(0) };
  }
  async entryPhoto(): Promise<SealedPhoto | null> {
    return null;
  }
  async erase(): Promise<ErasedSubject> {
    return { existed: false, photoHashes: [], linkedSubjects: [] };
  }
}

interface Running {
  readonly name: 'on' | 'off';
  readonly app: TestApp;
  readonly base: string;
  readonly entries: string[];
  readonly capture: number[];
  readonly read: number[];
  readonly image: number[];
}

async function start(name: 'on' | 'off', ocr: ScriptedOcrEngine): Promise<Running> {
  const app = await startTestApp({
    ocrEngine: ocr,
    store: 'default',
    env: { RATE_LIMIT_PER_MINUTE: '100000000', SQLITE_SYNCHRONOUS: 'FULL' },
    ...(name === 'off' ? { personalData: new PassThroughPersonalData() } : {}),
  });
  return { name, app, base: app.baseUrl, entries: [], capture: [], read: [], image: [] };
}

async function timed(samples: number[], request: () => Promise<Response>, expected: number): Promise<Response> {
  const t = performance.now();
  const res = await request();
  const body = Buffer.from(await res.arrayBuffer());
  samples.push(performance.now() - t);
  if (res.status !== expected) throw new Error(`${res.url} answered ${res.status}: ${body.toString('utf8').slice(0, 200)}`);
  return new Response(body, { status: res.status });
}

export default async function run(): Promise<BenchRow[]> {
  const ocr = new ScriptedOcrEngine();
  const jwt = new JwtService(TEST_JWT_SECRET);
  const guard = jwt.sign({ sub: 'bench-guard', tenant: 'bench', roles: ['guard'] });
  const labeler = jwt.sign({ sub: 'bench-labeler', tenant: 'bench', roles: ['labeler'] });
  // A photo of its own for every capture (as a camera takes them: no two identical, so neither app
  // skips a write the blob store already holds), of PLATES plates seen again and again.
  const photos: Buffer[][] = [[], []];
  for (const [app, list] of photos.entries()) {
    for (let n = 0; n <= REQUESTS; n++) {
      const i = n % PLATES;
      const plate = `K${String.fromCharCode(65 + (i % 26))}M${String(4000 + i)}`;
      const photo = await renderPlatePhoto(plate, { noise: 6, seed: 1 + n * 2 + app });
      // Unsure reads: each entry is also a training example, so its photo is served to labelers.
      ocr.script(photo, plate, 0.4);
      list.push(photo);
    }
  }
  const apps = [await start('off', ocr), await start('on', ocr)];
  try {
    const capture = (a: Running, n: number, photo = photos[a.name === 'off' ? 0 : 1][n]) =>
      timed(
        a.capture,
        () => {
          const form = new FormData();
          form.append('gate_id', 'north');
          form.append('photo', new Blob([photo]), 'plate.png');
          return fetch(`${a.base}/api/v2/vehicle-entries`, { method: 'POST', headers: { authorization: `Bearer ${guard}` }, body: form });
        },
        201,
      );
    // Warm-up: one capture each, not counted.
    for (const a of apps) {
      await capture(a, REQUESTS);
      a.capture.length = 0;
    }
    // Request by request, the apps taking turns (which goes first alternates): a noisy spell on this
    // shared machine falls on both alike.
    for (let n = 0; n < REQUESTS; n++) {
      for (const a of n % 2 === 0 ? apps : [...apps].reverse()) {
        const res = await capture(a, n);
        a.entries.push(((await res.json()) as { entry_id: string }).entry_id);
      }
    }
    // Reads once the read models hold every entry and example (the first read of each waits for it).
    for (const a of apps) {
      for (const id of a.entries) {
        for (let tries = 0; ; tries++) {
          const res = await fetch(`${a.base}/api/v2/ml-training/examples/ve_${id}`, { headers: { authorization: `Bearer ${labeler}` } });
          await res.arrayBuffer();
          if (res.status === 200) break;
          if (tries > 400) throw new Error(`example ve_${id} never appeared (${res.status})`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (let n = 0; n < REQUESTS; n++) {
      for (const a of n % 2 === 0 ? apps : [...apps].reverse()) {
        const id = a.entries[n];
        await timed(a.read, () => fetch(`${a.base}/api/v2/vehicle-entries/${id}`, { headers: { authorization: `Bearer ${guard}` } }), 200);
      }
      for (const a of n % 2 === 0 ? apps : [...apps].reverse()) {
        const id = a.entries[n];
        await timed(a.image, () => fetch(`${a.base}/api/v2/ml-training/examples/ve_${id}/image`, { headers: { authorization: `Bearer ${labeler}` } }), 200);
      }
    }
    const [off, on] = apps;
    const note = `${REQUESTS} requests per app, one at a time, ${PLATES} plates, scripted OCR, SQLITE_SYNCHRONOUS=FULL`;
    const rows = (label: string, pick: (a: Running) => number[]): BenchRow[] => {
      const offMs = median(pick(off));
      const onMs = median(pick(on));
      return [
        { suite: SUITE, metric: `${label} median, sealing off`, value: round(offMs, 2), unit: 'ms', note },
        { suite: SUITE, metric: `${label} median, sealing on`, value: round(onMs, 2), unit: 'ms', note },
        { suite: SUITE, metric: `${label} on / off`, value: round(onMs / offMs, 3), unit: 'x', note: 'target <= 1.10' },
      ];
    };
    return [
      ...rows('POST /api/v2/vehicle-entries', (a) => a.capture),
      ...rows('GET /api/v2/vehicle-entries/:id', (a) => a.read),
      ...rows('GET /api/v2/ml-training/examples/:id/image', (a) => a.image),
    ];
  } finally {
    for (const a of apps) await a.app.close();
  }
}
