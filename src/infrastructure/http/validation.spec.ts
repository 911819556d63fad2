import { ArgumentMetadata } from '@nestjs/common';
import { IsInt, IsString, Min, ValidateNested, getMetadataStorage } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationError } from '../../domain/shared/errors';
import { validationPipe } from './validation';

class Inner {
  @IsInt()
  @Min(1)
  count!: number;
}

class Body {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

const asBody = (metatype: new () => unknown): ArgumentMetadata => ({ type: 'body', metatype });

describe('validation pipe', () => {
  it('validates, strips nothing silently and names every field at fault, as before its metadata was cached', async () => {
    const pipe = validationPipe();
    await expect(pipe.transform({ name: 'a', inner: { count: 2 } }, asBody(Body))).resolves.toBeInstanceOf(Body);
    const refused = await pipe.transform({ name: 3, inner: { count: 0 }, extra: true }, asBody(Body)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(Object.keys((refused as ValidationError).details?.fields as object).sort()).toEqual(['extra', 'inner.count', 'name']);
  });

  it("looks a class's validation metadata up once, not on every request", async () => {
    const pipe = validationPipe();
    await pipe.transform({ name: 'a', inner: { count: 2 } }, asBody(Body));
    // Each uncached lookup walks every registered class (inherited metadata): count those walks.
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
    const entries = storage.validationMetadatas.entries.bind(storage.validationMetadatas);
    let walks = 0;
    storage.validationMetadatas.entries = () => ((walks += 1), entries());
    try {
      for (let i = 0; i < 50; i++) await pipe.transform({ name: 'a', inner: { count: 2 } }, asBody(Body));
    } finally {
      storage.validationMetadatas.entries = entries;
    }
    expect(walks).toBe(0);
  });

  it('sees a class decorated after the first validations (a module loaded later)', async () => {
    const pipe = validationPipe();
    await pipe.transform({ name: 'a', inner: { count: 2 } }, asBody(Body));
    class Later {
      @IsString()
      note!: string;
    }
    await expect(pipe.transform({ note: 'x' }, asBody(Later))).resolves.toBeInstanceOf(Later);
    await expect(pipe.transform({ note: 1 }, asBody(Later))).rejects.toBeInstanceOf(ValidationError);
    // And a property decorated later on a class already validated.
    IsString()(Body.prototype, 'tag');
    await expect(pipe.transform({ name: 'a', inner: { count: 2 }, tag: 5 }, asBody(Body))).rejects.toBeInstanceOf(ValidationError);
  });
});
