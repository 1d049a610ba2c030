import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@cutover/domain';
import { createValidationPipe } from './validation.pipe';

class Container {
  @IsString()
  name!: string;
}

class Body {
  @IsString()
  name!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Max(5)
  count?: number;

  @ValidateNested({ each: true })
  @Type(() => Container)
  containers!: Container[];
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

  it('converts and passes a valid body', async () => {
    await expect(run({ name: 'a', count: '3', containers: [{ name: 'c' }] })).resolves.toEqual(Object.assign(new Body(), { name: 'a', count: 3, containers: [Object.assign(new Container(), { name: 'c' })] }));
  });

  it('throws VALIDATION_FAILED with a path per broken rule, unknown properties included', async () => {
    const error = (await run({ count: 9, containers: [{ name: 'ok' }, { name: 7 }], extra: true }).catch((e: unknown) => e)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors.map((e) => `${e.path}:${e.rule}`).sort()).toEqual(['containers[1].name:isString', 'count:max', 'extra:unknownProperty', 'name:isString']);
    expect(JSON.stringify(error.errors)).not.toContain('"value"');
  });
});

class RequiredQuery {
  @IsString()
  must!: string;
}

class OptionalQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  limit?: number;
}

describe('createValidationPipe with empty query strings', () => {
  it('keeps refusing an empty query for a class that needs a field, however often', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 3; i++) {
      await expect(pipe.transform({}, { type: 'query', metatype: RequiredQuery })).rejects.toBeInstanceOf(DomainError);
    }
  });

  it('answers an instance of the class for an empty query that passes', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 3; i++) {
      const value = await pipe.transform({}, { type: 'query', metatype: OptionalQuery });
      expect(value).toBeInstanceOf(OptionalQuery);
    }
    await expect(pipe.transform({ limit: 'x' }, { type: 'query', metatype: OptionalQuery })).rejects.toBeInstanceOf(DomainError);
  });
});
