import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { DomainError, type FieldError } from '@cutover/domain';

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

const isEmptyQuery = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * Most list calls carry no query string at all; whether `{}` satisfies a query class never changes, so after it
 * passed once the full class-validator run is skipped for it (a hot path: every unparameterised list read).
 */
class ApiValidationPipe extends ValidationPipe {
  private readonly emptyQueryPasses = new WeakSet<object>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    const emptyQuery = metadata.type === 'query' && metatype !== undefined && isEmptyQuery(value);
    if (emptyQuery && this.emptyQueryPasses.has(metatype)) return plainToInstance(metatype, {});
    const result: unknown = await super.transform(value, metadata);
    if (emptyQuery) this.emptyQueryPasses.add(metatype);
    return result;
  }
}

/**
 * The one ValidationPipe of the api (REST bodies, queries and params, and GraphQL args): unknown properties are
 * refused, query strings are converted to the declared types, and every failure is a DomainError VALIDATION_FAILED
 * (422) so both transports render it the same way.
 */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
