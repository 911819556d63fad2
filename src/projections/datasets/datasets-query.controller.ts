import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { once } from 'node:events';
import { NotFoundError, UnprocessableError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { ListQuery, listAnswer } from '../../http/conventions';
import { READ_STORE, ReadStore } from '../../ports/read-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { ProjectionRunner } from '../../runtime/projection-runner';
import { DATASETS_COLLECTION, DatasetDoc } from './datasets.projection';
import { locatePhoto, sourceIdOfExample } from './example-photo';
import { asPng, sniffImageType } from './image-bytes';
import { tarEnd, tarEntry } from './tar-writer';

export class ExportQuery {
  @ApiProperty({ enum: ['tesstrain', 'jsonl'] })
  @IsIn(['tesstrain', 'jsonl'])
  format!: 'tesstrain' | 'jsonl';

  @IsOptional()
  @Matches(/^\d{1,16}$/, { message: 'min_position must be a string of digits' })
  min_position?: string;
}

const summary = (d: DatasetDoc) => ({
  dataset_id: d.dataset_id,
  name: d.name,
  source_system: d.source_system,
  example_count: d.example_count,
  content_hash: d.content_hash,
  created_at: d.created_at,
  created_by: d.created_by,
});

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/datasets')
@Roles('ml_engineer')
export class DatasetsQueryController {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  @Get()
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListQuery) {
    const page = await this.reads.find<DatasetDoc>(await this.runner.catalog.collection(DATASETS_COLLECTION), {
      filter: { tenant_id: p.tenant },
      sort: [['created_at', -1]],
      limit: q.limit ?? 50,
      cursor: q.cursor ?? null,
    });
    return listAnswer(page, summary);
  }

  @Get(':id')
  async one(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const d = await this.dataset(p, id);
    return { ...summary(d), examples: d.examples.map((e) => ({ example_id: e.exampleId, source_system: e.sourceSystem, image_sha256: e.imageHash, label_hash: e.labelHash, label_source: e.labelSource })) };
  }

  /**
   * `tesstrain`: a ustar archive of `<example_id>.png` + `<example_id>.gt.txt` pairs (one line of
   * ground truth each), ready for tesstrain's ground-truth directory.
   * `jsonl`: newline-delimited JSON, one example per line with its label, label hash, image
   * sha256, content type and the image bytes in base64.
   * Sealed labels (plates of entries) are opened with the tenant's keys; an example whose plate was
   * erased since the version was frozen is left out (training skips erased data).
   */
  @Get(':id/export')
  @ApiProduces('application/x-tar', 'application/x-ndjson')
  async export(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() q: ExportQuery, @Res() res: Response): Promise<void> {
    const d = await this.dataset(p, id);
    const examples: (DatasetDoc['examples'][number] & { label: string; photo: { blobHash: string; open(stored: Buffer): Buffer } })[] = [];
    const missing: string[] = [];
    for (const e of d.examples) {
      const opened = await this.personal.open(p.tenant, e.label);
      if (!('text' in opened)) continue;
      const photo = await locatePhoto(this.personal, p.tenant, { sourceSystem: e.sourceSystem, sourceId: sourceIdOfExample(e.exampleId), imageHash: e.imageHash });
      const stored = photo !== null && (await this.blobs.has(photo.blobHash));
      // An entry's photo that is gone (its key or its bytes deleted by erasure or retention) is erased data: left out. A meter's is an error.
      if (photo && stored) examples.push({ ...e, label: opened.text, photo });
      else if (e.sourceSystem !== 'vehicle_entry') missing.push(e.exampleId);
    }
    if (missing.length > 0) throw new UnprocessableError(`photos of ${missing.length} examples are missing from the blob store`, { example_ids: missing.slice(0, 20) });
    const mtime = Math.floor(Date.parse(d.created_at) / 1000);
    const tesstrain = q.format === 'tesstrain';
    res.status(200);
    res.setHeader('Content-Type', tesstrain ? 'application/x-tar' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="${d.dataset_id}-${q.format}.${tesstrain ? 'tar' : 'jsonl'}"`);
    res.setHeader('X-Dataset-Content-Hash', d.content_hash);
    const write = async (chunk: Buffer | string): Promise<void> => {
      if (!res.write(chunk)) await once(res, 'drain');
    };
    for (const e of examples) {
      const bytes = e.photo.open((await this.blobs.get(e.photo.blobHash)) as Buffer);
      if (tesstrain) {
        await write(tarEntry(`${e.exampleId}.png`, await asPng(bytes), mtime));
        await write(tarEntry(`${e.exampleId}.gt.txt`, Buffer.from(`${e.label}\n`, 'utf8'), mtime));
      } else {
        const line = {
          example_id: e.exampleId,
          source_system: e.sourceSystem,
          label: e.label,
          label_hash: e.labelHash,
          label_source: e.labelSource,
          image_sha256: e.imageHash,
          image_content_type: sniffImageType(bytes),
          image_base64: bytes.toString('base64'),
        };
        await write(`${JSON.stringify(line)}\n`);
      }
    }
    if (tesstrain) await write(tarEnd());
    res.end();
  }

  private async dataset(p: Principal, id: string): Promise<DatasetDoc> {
    const missing = new NotFoundError(`no dataset ${id}`, { dataset_id: id });
    if (!isValidId(id)) throw missing;
    const d = await this.reads.get<DatasetDoc>(await this.runner.catalog.collection(DATASETS_COLLECTION), id);
    if (!d || d.tenant_id !== p.tenant) throw missing;
    return d;
  }
}
