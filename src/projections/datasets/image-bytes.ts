import sharp from 'sharp';

/** The content type from the file's own signature (never from what an uploader claimed). */
export function sniffImageType(bytes: Buffer): 'image/png' | 'image/jpeg' | 'application/octet-stream' {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return 'application/octet-stream';
}

/** tesstrain reads PNG (or TIFF) line images: JPEG uploads are re-encoded, PNGs pass as they are. */
export async function asPng(bytes: Buffer): Promise<Buffer> {
  return sniffImageType(bytes) === 'image/png' ? bytes : sharp(bytes).png().toBuffer();
}
