import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { SEALED, SEALED_PREFIX as PREFIX, isSealed } from '../../domain/privacy/sealed';
import { Clock, SystemClock } from '../../domain/shared/clock';
import { ErasedSubject, Opened, PersonalDataPort, PhotoKey, SealedPhoto } from '../../ports/personal-data.port';
import { KeyStore } from './key-store.port';

export { isSealed };
export type { Opened };

/** Plates compare as their letters and digits, so "ab-12 cd" and "AB12CD" are one subject. */
export function normalisePlateForSubject(plate: string): string {
  return plate.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Subject keys kept unwrapped (least recently unwrapped dropped first). */
const UNWRAPPED_KEYS = 10_000;
/** Opened fields kept per unwrapped key (the oldest dropped first): a read model answers the same values again and again. */
const OPENED_PER_KEY = 16;

interface Unwrapped {
  readonly wrapped: Buffer;
  readonly key: Buffer;
  /** Plaintexts of sealed values opened under this key, by their sealed text (GCM: one ciphertext, one plaintext). */
  readonly opened: Map<string, string>;
}

const unwrappedId = (tenant: string, subjectId: string) => `${tenant}\u0000${subjectId}`;

function seal(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unseal(key: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  const plain = decipher.update(sealed.subarray(28));
  // GCM yields every byte from update(); final() checks the tag (and throws on a forged one), adding none.
  const rest = decipher.final();
  return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
}

/** A sealed value's text under its subject's key (null: the key is gone, the value reads as erased). */
function openWith(unwrapped: Unwrapped | null, sealed: string): Opened {
  if (!unwrapped) return { erased: true };
  let text = unwrapped.opened.get(sealed);
  if (text === undefined) {
    text = unseal(unwrapped.key, Buffer.from(sealed, 'base64url')).toString('utf8');
    unwrapped.opened.set(sealed, text);
    if (unwrapped.opened.size > OPENED_PER_KEY) unwrapped.opened.delete(unwrapped.opened.keys().next().value as string);
  }
  return { text };
}

/**
 * Crypto-shredding of personal fields: each subject (one plate within one tenant) has a data key,
 * wrapped by the master key, in the key store; fields are stored sealed under it. Deleting the key
 * makes every stored copy (log, read models, exports) unreadable while the events and their hashes stay.
 */
export class PersonalData implements PersonalDataPort {
  /**
   * Subject keys unwrapped recently, by tenant and subject, with the wrapped bytes they came from.
   * The key store is still asked on every use (an erased or expired key reads as erased at once, on
   * every instance); only the unwrapping, and the opening of a value opened before under that
   * key, are skipped when it answers the same wrapped key. An erasure anywhere reads as erased.
   */
  private readonly unwrapped = new Map<string, Unwrapped>();

  constructor(
    private readonly keys: KeyStore,
    private readonly masterKey: Buffer,
    /** Stamps entry links and sightings, which retention counts from. */
    private readonly clock: Clock = new SystemClock(),
  ) {}

  /** The subject of a plate in a tenant; a blank read is a subject of its own entry. */
  async subjectOf(tenant: string, plate: string, entryId: string): Promise<string> {
    const normalised = normalisePlateForSubject(plate);
    const lookup = this.lookup(tenant, normalised === '' ? `entry:${entryId}` : `plate:${normalised}`);
    // Most captures are of a plate seen before: a read, and no new key made for nothing.
    const known = await this.keys.findByLookup(tenant, lookup);
    if (known) return known.subjectId;
    const created = { subjectId: randomUUID(), wrappedKey: seal(this.masterKey, randomBytes(32)) };
    return (await this.keys.subjectFor(tenant, lookup, created)).subjectId;
  }

  async findSubject(tenant: string, plate: string): Promise<string | null> {
    return (await this.keys.findByLookup(tenant, this.lookup(tenant, `plate:${normalisePlateForSubject(plate)}`)))?.subjectId ?? null;
  }

  async seal(tenant: string, subjectId: string, text: string): Promise<string> {
    return (await this.sealMany(tenant, subjectId, [text]))[0];
  }

  async sealMany(tenant: string, subjectId: string, texts: readonly string[]): Promise<string[]> {
    const key = await this.dataKey(tenant, subjectId);
    if (!key) throw new Error(`subject ${subjectId} has no key`);
    // One text given twice (a plate read as its raw text) is sealed once: readers open one value,
    // not two. Its nonce is used for that one plaintext only; the stored fields show they are equal,
    // which the event's own shape says anyway.
    const sealed = new Map<string, string>();
    return texts.map((text) => {
      let value = sealed.get(text);
      if (value === undefined) sealed.set(text, (value = `${PREFIX}${subjectId}.${seal(key, Buffer.from(text, 'utf8')).toString('base64url')}`));
      return value;
    });
  }

  subjectOfSealed(value: string): string | null {
    return SEALED.exec(value)?.[1] ?? null;
  }

  /** Only the tenant's own keys open its fields: another tenant's sealed value reads as erased. */
  open(tenant: string, value: string): Promise<Opened> {
    return this.opener(tenant)(value);
  }

  opener(tenant: string): (value: string) => Promise<Opened> {
    const keys = new Map<string, Promise<Unwrapped | null>>();
    return async (value: string) => {
      const match = SEALED.exec(value);
      if (!match) return { text: value };
      let key = keys.get(match[1]);
      if (!key) keys.set(match[1], (key = this.unwrap(tenant, match[1])));
      return openWith(await key, match[2]);
    };
  }

  async keyedHash(tenant: string, subjectId: string, text: string): Promise<string | null> {
    const key = await this.dataKey(tenant, subjectId);
    return key ? createHmac('sha256', key).update(`label-hash\u0000${text}`, 'utf8').digest('hex') : null;
  }

  linkEntry(tenant: string, subjectId: string, entryId: string, photoHash: string, photoKey?: PhotoKey): Promise<void> {
    return this.keys.linkEntry(tenant, subjectId, entryId, photoHash, this.clock.now(), photoKey);
  }

  sealPhoto(photo: Buffer): { sealed: Buffer; wrappedKey: Buffer } {
    const key = randomBytes(32);
    return { sealed: seal(key, photo), wrappedKey: seal(this.masterKey, key) };
  }

  async entryPhoto(tenant: string, entryId: string): Promise<SealedPhoto | null> {
    const found = await this.keys.photoKeyOf(tenant, entryId);
    if (!found) return null;
    const key = unseal(this.masterKey, found.wrappedKey);
    return { blobHash: found.blobHash, open: (sealed: Buffer) => unseal(key, sealed) };
  }

  erase(tenant: string, subjectId: string): Promise<ErasedSubject> {
    this.unwrapped.delete(unwrappedId(tenant, subjectId));
    return this.keys.erase(tenant, subjectId);
  }

  private async dataKey(tenant: string, subjectId: string): Promise<Buffer | null> {
    return (await this.unwrap(tenant, subjectId))?.key ?? null;
  }

  private async unwrap(tenant: string, subjectId: string): Promise<Unwrapped | null> {
    const id = unwrappedId(tenant, subjectId);
    const wrapped = await this.keys.keyOf(tenant, subjectId);
    if (!wrapped) {
      this.unwrapped.delete(id);
      return null;
    }
    const known = this.unwrapped.get(id);
    if (known && known.wrapped.equals(wrapped)) return known;
    const entry: Unwrapped = { wrapped, key: unseal(this.masterKey, wrapped), opened: new Map() };
    this.unwrapped.set(id, entry);
    if (this.unwrapped.size > UNWRAPPED_KEYS) this.unwrapped.delete(this.unwrapped.keys().next().value as string);
    return entry;
  }

  /** Keyed, so the lookup of a plate cannot be found by hashing every possible plate. */
  private lookup(tenant: string, value: string): string {
    return createHmac('sha256', this.masterKey).update(`${tenant}\u0000${value}`).digest('hex');
  }
}
