import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '../../domain/shared/errors';
import { isValidId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { BLOB_STORE, BlobStore } from '../../ports/blob-store.port';
import { PERSONAL_DATA, PersonalDataPort } from '../../ports/personal-data.port';
import { TrainingExamplesQuery } from '../training-examples/training-examples.query';
import { sourcePhoto } from './example-photo';
import { sniffImageType } from './image-bytes';

@ApiTags('ml-training')
@ApiBearerAuth()
@Controller('api/v2/ml-training/examples')
export class ExampleImageController {
  constructor(
    private readonly examples: TrainingExamplesQuery,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PERSONAL_DATA) private readonly personal: PersonalDataPort,
  ) {}

  /** The example's photo for labelers; 404 for an unknown example or another tenant's. */
  @Get(':id/image')
  @Roles('labeler', 'ml_engineer')
  @ApiProduces('image/png', 'image/jpeg')
  async image(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const missing = new NotFoundError(`no training example ${id}`, { example_id: id });
    if (!isValidId(id)) throw missing;
    const doc = await this.examples.get(p.tenant, id);
    if (!doc) throw missing;
    if (!doc.image_hash) throw new NotFoundError(`training example ${id} has no photo`, { example_id: id });
    // An entry's photo is opened with its entry's key; erased or expired, it is gone (404).
    const bytes = await sourcePhoto(this.personal, this.blobs, p.tenant, { sourceSystem: doc.source_system, sourceId: doc.source_id, imageHash: doc.image_hash });
    if (!bytes) throw new NotFoundError(`the photo of training example ${id} is not in the blob store`, { example_id: id });
    res.setHeader('Content-Type', sniffImageType(bytes));
    // Content-addressed: the bytes behind this hash never change; private, because it is tenant data.
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('ETag', `"${doc.image_hash}"`);
    res.status(200).end(bytes);
  }
}
