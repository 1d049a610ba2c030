import { type ArgumentMetadata, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { DomainError, type FieldError } from '@cutover/domain';
import { findUnsafeInput } from '../http/unsafe-input';

/** class-validator's error tree → flat field paths (`containers[0].name`), one entry per broken rule. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({ path, rule: rule === 'whitelistValidation' ? 'unknownProperty' : rule, message });
    }
    if (error.children && error.children.length > 0) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

const isEmptyQuery = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * The global pipe runs on every argument of every route, so the common cases that ValidationPipe would pass through
 * unchanged answer at once, without a promise: `@Param() x: string`, an untyped `@Body()` (validated by libs/domain),
 * `@Ctx()` and other custom decorators, and an empty query string for a query class it already passed (whether `{}`
 * satisfies a class never changes). Everything else goes to ValidationPipe as before.
 */
class ApiValidationPipe implements PipeTransform {
  private readonly emptyQueryPasses = new WeakSet<object>();

  constructor(private readonly inner: ValidationPipe) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype, type } = metadata;
    // Before anything converts or stores it, on every transport and argument kind, typed or not: NUL characters,
    // lone surrogates and absurd nesting are refused here by field path instead of failing in Postgres or overflowing
    // class-transformer's recursion. Strings (the hot path: route params) cost one scan.
    if (type !== 'custom') {
      const unsafe = findUnsafeInput(value, typeof metadata.data === 'string' ? metadata.data : '');
      if (unsafe) throw DomainError.validation([unsafe]);
    }
    // A DTO body must be a JSON object: ValidationPipe passes `null`, a string or a number through unvalidated, so
    // `POST …/abort` with the body `null` used to abort. (No body at all stays allowed where every field is optional.)
    if (type === 'body' && metadata.data === undefined && metatype !== undefined && metatype !== Object && value !== undefined && !isPlainObject(value)) {
      throw DomainError.validation([{ path: '', rule: 'isObject', message: 'the body must be a JSON object' }]);
    }
    // ValidationPipe validates neither custom decorators (validateCustomDecorators is off) nor Object/untyped
    // arguments, and converts nothing for them.
    if (type === 'custom' || metatype === undefined || metatype === Object) return value;
    // It would answer String(value): the same string.
    if (metatype === String && typeof value === 'string') return value;
    if (type === 'query' && isEmptyQuery(value)) {
      if (this.emptyQueryPasses.has(metatype)) return plainToInstance(metatype, {});
      return this.inner.transform(value, metadata).then((result: unknown) => {
        this.emptyQueryPasses.add(metatype);
        return result;
      });
    }
    return this.inner.transform(value, metadata);
  }
}

/**
 * The one validation pipe of the api (REST bodies, queries and params, and GraphQL args): unknown properties are
 * refused, query strings are converted to the declared types, and every failure is a DomainError VALIDATION_FAILED
 * (422) so both transports render it the same way.
 */
export function createValidationPipe(): PipeTransform {
  return new ApiValidationPipe(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
    }),
  );
}
