/**
 * A minimal POSIX ustar writer: regular files only, names up to 100 bytes. Enough for dataset
 * exports (flat `name.png` + `name.gt.txt` pairs) without a dependency. Entries are produced one
 * at a time, so an export streams instead of building the archive in memory.
 */
const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 100) throw new Error(`tar entry name must be 1-100 bytes: ${name}`);
  const header = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(header, 0);
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.max(0, Math.floor(mtimeSeconds)), 12), 136, 'ascii');
  header.fill(' ', 148, 156);
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 'ascii');
  return header;
}

/** Header, content and padding of one regular file. */
export function tarEntry(name: string, content: Buffer, mtimeSeconds: number): Buffer {
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return Buffer.concat([tarHeader(name, content.length, mtimeSeconds), content, Buffer.alloc(padding, 0)]);
}

/** Two zero blocks end the archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK, 0);
}

/** Reads back what `tarEntry` writes (tests and tools): name and content of each regular file. */
export function readTar(archive: Buffer): { name: string; content: Buffer }[] {
  const out: { name: string; content: Buffer }[] = [];
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    offset += BLOCK;
    out.push({ name, content: Buffer.from(archive.subarray(offset, offset + size)) });
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
